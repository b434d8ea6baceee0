"""The defence FAQ bot: a pure core, the product's runtime records, renderers, and three adapters over them."""

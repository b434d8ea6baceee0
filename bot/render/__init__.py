"""Answers → what a medium shows: the wording every medium shares, then one renderer per medium."""

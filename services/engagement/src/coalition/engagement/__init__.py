"""Engagement: the outreach pipeline."""

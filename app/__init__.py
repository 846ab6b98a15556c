"""Chanjiao (产教): the post–course–competition–certificate system for live-commerce colleges."""

"""Domain logic: plain functions over a Session; they flush, never commit."""

"""Form data classes (not tables): what a form sent, re-shown beside its errors."""

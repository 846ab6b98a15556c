"""File writers (XLSX, PDF) for exports; each takes data from a service and returns bytes."""

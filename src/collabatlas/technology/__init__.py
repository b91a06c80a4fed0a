"""Technology flow: catalog of AI model families and mention detection."""

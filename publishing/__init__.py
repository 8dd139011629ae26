"""What readers see: the traveller 360 gold table and the catalog entries of every table."""

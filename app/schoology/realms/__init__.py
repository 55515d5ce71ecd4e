"""The enrollment views of the realms (sections, groups): one set for both,
bound to each realm by the route table (routes.py)."""

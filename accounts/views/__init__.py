"""Views by audience: sign-in and passwords (auth), the user's own pages (account), invitations,
an authority's people (people) and the national admin pages (national)."""

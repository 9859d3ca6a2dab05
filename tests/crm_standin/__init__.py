"""A CRM stand-in served over real HTTP: CiviCRM API v4, Action Network (OSDI) and a generic
JSON API, each as its published documentation describes it, seeded with real organisations."""

"""The SMART Scheduling Links slot feed: the free and busy times of every professional who books online, published
as static FHIR files (a ``$bulk-publish`` manifest and NDJSON) into the site's bucket every few minutes.

``resources.py`` makes the Location, PractitionerRole, Schedule and Slot resources and ``times.py`` the slots
(both pure), ``files.py`` lays them out in files and writes the manifest (pure), ``publisher.py`` runs one pass over
the store and the bucket, ``bucket.py`` is the S3 calls. docs/open-data.md describes the feed; docs/data-model.md
its reads.
"""

PERIOD_MINUTES = 5
"""How often the feed is published: the schedule of app.py's function, and of the local portal's runner."""

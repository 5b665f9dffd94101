"""The API behind app.py, one folder per audience over a shared core (docs/architecture.md has the map):

- ``services.py``: the one composition root (the store, the mailer and every service, made on first use);
- ``web.py``: what every route set shares at the edge (routes' decorator, request helpers, the one error shape);
- ``openapi.py``: the published document, put together from each route set's part;
- ``booking/``: what patients call (slots, holds, confirmation, manage with the token);
- ``backoffice/``: what practices call (sign-in, agenda, settings, calendar feed, audit log);
- ``core/``: what both use (the appointment, availability, the store, keys, ids, e-mails, errors, settings).
"""

"""The local stand-ins for AWS: a serialised moto endpoint and the one-origin portal server."""

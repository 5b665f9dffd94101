"""The patient space: sign-in (an e-mailed code, then passkeys), sessions, my appointments."""

"""The portal's booking domain: pure modules, the DynamoDB store, and notifications."""

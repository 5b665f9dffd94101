"""Infrastructure as code and the deployment commands (docs/operations.md).

``python -m infra.synth`` writes the templates offline, ``python -m infra.deploy`` puts a stage on AWS,
``python -m infra.destroy`` removes a dev stage.
"""

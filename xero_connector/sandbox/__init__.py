"""The bundled Xero sandbox: a local server speaking Xero's Accounting, Identity
and webhook APIs, for trying the connector offline and as the test double.

Start it in-process with :class:`xero_connector.sandbox.server.Sandbox`, or from
the shell with ``xero-sandbox`` (see :mod:`xero_connector.sandbox.cli`).
"""

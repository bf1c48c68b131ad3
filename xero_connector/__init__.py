"""xero_connector: ERPNext Sales Invoices to Xero, and payment status back.

The package holds a pure core (``sandbox``, ``xero``, ``engine``, ``cli``)
that never imports frappe, and the Frappe shell around it.
"""

__version__ = "0.1.0"

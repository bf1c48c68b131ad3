"""An invoice's attachments and its online invoice link.

Endpoints (xero_accounting.yaml ``paths./Invoices/{InvoiceID}/Attachments``, ``.../{FileName}``,
``.../{AttachmentID}`` and ``paths./Invoices/{InvoiceID}/OnlineInvoice``):

- ``PUT`` or ``POST /Invoices/{id}/Attachments/{FileName}`` with the file's bytes as the body
  (``IncludeOnline=true`` on PUT shows it with the online invoice): answers ``Attachments`` with
  the one stored. A file of the same name (case-insensitive) is replaced, as in Xero;
- ``GET /Invoices/{id}/Attachments`` lists them, ``GET .../{FileName or AttachmentID}`` returns
  the bytes;
- ``GET /Invoices/{id}/OnlineInvoice`` answers ``OnlineInvoices: [{OnlineInvoiceUrl}]``.

Xero's rules kept here, once (developer.xero.com/documentation/api/accounting/attachments):
at most 10 attachments per document (also Xero's announcement on its developer forum,
community.xero.com/developer/discussion/3095073: "you can now attach up to 10 files per
document") and at most 25 MB per file; an empty file is refused. ``IncludeOnline`` applies to
sales invoices (ACCREC) only (same page: "available for accounts receivable invoices and
credit notes"). The online invoice exists for a sales invoice that has been approved: AUTHORISED
or PAID (developer.xero.com/documentation/api/accounting/invoices, "Retrieving the online invoice
URL"; a DRAFT, SUBMITTED, VOIDED or DELETED one has none). Messages are sandbox wording.

Records live in ``Organisation.attachments`` (InvoiceID → list of attachments; the content as
base64 so that the state stays JSON). Called by :mod:`.accounting`'s invoice routes.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from urllib.parse import quote, unquote

from .answers import ApiResponse, not_found, validation_body
from .common import Ctx
from .query import first

MAX_ATTACHMENTS = 10
MAX_BYTES = 25 * 1024 * 1024
ONLINE_STATUSES = ("AUTHORISED", "PAID")
MIME_TYPES = {
	"pdf": "application/pdf",
	"png": "image/png",
	"jpg": "image/jpeg",
	"jpeg": "image/jpeg",
	"gif": "image/gif",
	"txt": "text/plain",
	"csv": "text/csv",
	"xml": "application/xml",
}
API_URL = "https://api.xero.com/api.xro/2.0"
ONLINE_URL = "https://in.xero.com/"

TOO_MANY = f"A document can have at most {MAX_ATTACHMENTS} attachments."  # sandbox wording
TOO_LARGE = "The file is too large: an attachment can be at most 25 MB."  # sandbox wording
EMPTY = "The attachment has no content."  # sandbox wording
NO_ONLINE_INVOICE = (  # sandbox wording
	"An online invoice is only available for sales invoices (ACCREC) that are AUTHORISED or PAID."
)


def handle(api, ctx: Ctx, doc: dict, method: str, rest: list[str], query, body: bytes) -> ApiResponse:
	"""``rest``: the path after ``/Invoices`` (``[id, "Attachments", name?]`` or ``[id, "OnlineInvoice"]``)."""
	what = rest[1].lower()
	if what == "onlineinvoice":
		return _online(api, doc) if method == "GET" and len(rest) == 2 else not_found()
	stored = ctx.org.attachments.setdefault(doc["InvoiceID"], [])
	if method == "GET" and len(rest) == 2:
		return api._ok({"Attachments": [_render(doc, a) for a in stored]})
	if len(rest) != 3:
		return not_found()
	name = unquote(rest[2])
	if method == "GET":
		found = next((a for a in stored if a["AttachmentID"] == name.lower()), None) or _named(stored, name)
		if found is None:
			return not_found()
		return ApiResponse(200, base64.b64decode(found["_content"]), {"Content-Type": found["MimeType"]})
	if method not in ("PUT", "POST"):
		return not_found()
	include_online = (first(query, "IncludeOnline") or "").lower() == "true" and doc["Type"] == "ACCREC"
	return _store(api, ctx, doc, stored, name, body, include_online)


def _named(stored: list[dict], name: str) -> dict | None:
	return next((a for a in stored if a["FileName"].casefold() == name.casefold()), None)


def _store(api, ctx: Ctx, doc: dict, stored: list[dict], name: str, body: bytes, online: bool) -> ApiResponse:
	existing = _named(stored, name)
	errors = []
	if not body:
		errors.append(EMPTY)
	if len(body) > MAX_BYTES:
		errors.append(TOO_LARGE)
	if existing is None and len(stored) >= MAX_ATTACHMENTS:
		errors.append(TOO_MANY)
	if errors:
		status = 413 if TOO_LARGE in errors else 400
		element = {"FileName": name, "ValidationErrors": [{"Message": m} for m in errors]}
		return ApiResponse(status, validation_body([element]))
	extension = name.rpartition(".")[2].lower() if "." in name else ""
	record = {
		"AttachmentID": existing["AttachmentID"] if existing else str(uuid.uuid4()),
		"FileName": name,
		"MimeType": MIME_TYPES.get(extension, "application/octet-stream"),
		"ContentLength": len(body),
		"IncludeOnline": online,
		"_content": base64.b64encode(body).decode("ascii"),
	}
	if existing is not None:
		stored[stored.index(existing)] = record
	else:
		stored.append(record)
	ctx.wrote = True
	return api._ok({"Attachments": [_render(doc, record)]})


def _render(doc: dict, record: dict) -> dict:
	out = {k: v for k, v in record.items() if not k.startswith("_")}
	out["Url"] = f"{API_URL}/Invoices/{doc['InvoiceID']}/Attachments/{quote(record['FileName'])}"
	return out


def _online(api, doc: dict) -> ApiResponse:
	if doc["Type"] != "ACCREC" or doc["Status"] not in ONLINE_STATUSES:
		element = {"InvoiceID": doc["InvoiceID"], "ValidationErrors": [{"Message": NO_ONLINE_INVOICE}]}
		return ApiResponse(400, validation_body([element]))
	token = base64.urlsafe_b64encode(hashlib.sha256(doc["InvoiceID"].encode()).digest()[:30]).decode()
	return api._ok({"OnlineInvoices": [{"OnlineInvoiceUrl": ONLINE_URL + token.rstrip("=")}]})

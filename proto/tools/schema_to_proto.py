#!/usr/bin/env python3
"""Writes proto/transcodely/v1/*.proto from the Transcodely v1 schema JSON.

One-off helper: the .proto files it writes are the committed source. Run it again only to
re-derive them after the schema changes, then review the diff.

  proto/tools/schema_to_proto.py [SCHEMA_JSON] [PROTO_ROOT]

Defaults: ../shared/api/transcodely-v1-schema.json next to the repository, and proto/.
"""

import json
import os
import sys

PACKAGE = "transcodely.v1"

# One line of documentation for every service and RPC (the schema carries none).
SERVICE_DOCS = {
    "APIKeyService": "APIKeyService manages the API keys of an app.",
    "AppService": "AppService manages apps, their hosting and player settings and spend limits.",
    "BillingService": "BillingService exposes invoices, budgets and the billing profile of an "
                      "organization.",
    "HealthService": "HealthService reports whether the API is up.",
    "JobService": "JobService creates, inspects and controls transcoding jobs.",
    "MembershipService": "MembershipService manages the members of an organization.",
    "OrganizationService": "OrganizationService creates and manages organizations.",
    "OriginService": "OriginService manages storage origins that jobs read from and write to.",
    "PresetService": "PresetService manages reusable encoding presets.",
    "UserService": "UserService reads and updates user accounts.",
    "VideoService": "VideoService uploads, imports and manages hosted videos.",
    "WebhookService": "WebhookService manages webhook endpoints, events and deliveries.",
}

METHOD_DOCS = {
    ("APIKeyService", "Create"): "Create issues a new API key; the secret is returned only once.",
    ("APIKeyService", "Get"): "Get returns one API key by id.",
    ("APIKeyService", "List"): "List returns the app's API keys, one page at a time.",
    ("APIKeyService", "Revoke"): "Revoke disables an API key for good.",
    ("AppService", "Create"): "Create makes a new app in the organization.",
    ("AppService", "Get"): "Get returns one app by id.",
    ("AppService", "Update"): "Update changes an app's name or description.",
    ("AppService", "List"): "List returns the organization's apps, one page at a time.",
    ("AppService", "Archive"): "Archive retires an app.",
    ("AppService", "EnableHosting"): "EnableHosting turns on video hosting for an app (one-way).",
    ("AppService", "UpdateHostingConfig"): "UpdateHostingConfig changes an app's hosting "
                                           "settings.",
    ("AppService", "UpdatePlayerConfig"): "UpdatePlayerConfig changes an app's player settings.",
    ("AppService", "UpdateSpendLimit"): "UpdateSpendLimit sets or clears an app's spend limit.",
    ("AppService", "GetSpend"): "GetSpend reports an app's spend for the current period.",
    ("BillingService", "ListInvoices"): "ListInvoices returns the organization's invoices.",
    ("BillingService", "GetInvoice"): "GetInvoice returns one invoice with its lines.",
    ("BillingService", "GetUpcomingInvoice"): "GetUpcomingInvoice previews the invoice for the "
                                              "current period.",
    ("BillingService", "GetBillingProfile"): "GetBillingProfile returns the organization's "
                                             "billing standing and limits.",
    ("BillingService", "CreateBillingPortalSession"): "CreateBillingPortalSession opens a "
                                                      "session in the payment provider's portal.",
    ("BillingService", "GetBudget"): "GetBudget returns the organization's monthly budget.",
    ("BillingService", "UpdateBudget"): "UpdateBudget changes the organization's monthly "
                                        "budget.",
    ("BillingService", "GetOutstandingBalance"): "GetOutstandingBalance returns what the "
                                                 "organization owes now.",
    ("BillingService", "SettleOutstandingBalance"): "SettleOutstandingBalance charges the "
                                                    "outstanding balance.",
    ("HealthService", "Check"): "Check reports the service's health.",
    ("JobService", "Create"): "Create starts a transcoding job.",
    ("JobService", "Get"): "Get returns one job by id.",
    ("JobService", "List"): "List returns jobs, one page at a time.",
    ("JobService", "Cancel"): "Cancel stops a job that has not finished.",
    ("JobService", "Confirm"): "Confirm lets a job that awaits confirmation proceed.",
    ("JobService", "Watch"): "Watch streams a job's progress and status changes.",
    ("MembershipService", "List"): "List returns the organization's members.",
    ("MembershipService", "Get"): "Get returns one membership by id.",
    ("MembershipService", "UpdateRole"): "UpdateRole changes a member's role.",
    ("MembershipService", "Remove"): "Remove takes a member out of the organization.",
    ("OrganizationService", "CheckSlug"): "CheckSlug tells whether an organization slug is "
                                          "free.",
    ("OrganizationService", "Create"): "Create makes a new organization.",
    ("OrganizationService", "Get"): "Get returns one organization by id.",
    ("OrganizationService", "Update"): "Update changes an organization's settings.",
    ("OrganizationService", "List"): "List returns the organizations the caller belongs to.",
    ("OriginService", "Create"): "Create registers a new storage origin.",
    ("OriginService", "Get"): "Get returns one origin by id.",
    ("OriginService", "List"): "List returns the app's origins, one page at a time.",
    ("OriginService", "Update"): "Update changes an origin's name, credentials or settings.",
    ("OriginService", "Validate"): "Validate checks that an origin's storage is reachable.",
    ("OriginService", "Archive"): "Archive retires an origin.",
    ("PresetService", "Create"): "Create saves a new encoding preset.",
    ("PresetService", "Get"): "Get returns one preset by id.",
    ("PresetService", "GetBySlug"): "GetBySlug returns one preset by its slug.",
    ("PresetService", "List"): "List returns presets, one page at a time.",
    ("PresetService", "Update"): "Update changes a preset.",
    ("PresetService", "Duplicate"): "Duplicate copies a preset under a new slug.",
    ("PresetService", "Archive"): "Archive retires a preset.",
    ("UserService", "GetMe"): "GetMe returns the calling user.",
    ("UserService", "Get"): "Get returns one user by id.",
    ("UserService", "UpdateMe"): "UpdateMe changes the calling user's profile.",
    ("UserService", "List"): "List returns users, one page at a time.",
    ("VideoService", "CreateUpload"): "CreateUpload starts a single-part upload and returns "
                                      "its URL.",
    ("VideoService", "CompleteUpload"): "CompleteUpload marks a single-part upload as done.",
    ("VideoService", "CreateFromUrl"): "CreateFromUrl imports a video from a URL.",
    ("VideoService", "CreateMultipartUpload"): "CreateMultipartUpload starts a multipart "
                                               "upload.",
    ("VideoService", "GetUploadPartUrls"): "GetUploadPartUrls issues presigned URLs for upload "
                                           "parts.",
    ("VideoService", "CompleteMultipartUpload"): "CompleteMultipartUpload assembles the "
                                                 "uploaded parts.",
    ("VideoService", "AbortMultipartUpload"): "AbortMultipartUpload cancels a multipart "
                                              "upload.",
    ("VideoService", "Get"): "Get returns one video by id.",
    ("VideoService", "List"): "List returns videos, one page at a time.",
    ("VideoService", "Update"): "Update changes a video's metadata.",
    ("VideoService", "Delete"): "Delete removes a video.",
    ("VideoService", "Watch"): "Watch streams a video's status changes.",
    ("VideoService", "GetUsage"): "GetUsage reports storage and delivery usage.",
    ("VideoService", "GetStats"): "GetStats reports viewing statistics.",
    ("VideoService", "ListTopVideos"): "ListTopVideos returns the most watched videos.",
    ("WebhookService", "CreateWebhookEndpoint"): "CreateWebhookEndpoint registers a webhook "
                                                 "endpoint.",
    ("WebhookService", "RetrieveWebhookEndpoint"): "RetrieveWebhookEndpoint returns one "
                                                   "endpoint by id.",
    ("WebhookService", "UpdateWebhookEndpoint"): "UpdateWebhookEndpoint changes an endpoint.",
    ("WebhookService", "DeleteWebhookEndpoint"): "DeleteWebhookEndpoint removes an endpoint.",
    ("WebhookService", "ListWebhookEndpoints"): "ListWebhookEndpoints returns the app's "
                                                "endpoints.",
    ("WebhookService", "RotateWebhookSecret"): "RotateWebhookSecret issues a new signing "
                                               "secret for an endpoint.",
    ("WebhookService", "ListEvents"): "ListEvents returns emitted events, one page at a time.",
    ("WebhookService", "RetrieveEvent"): "RetrieveEvent returns one event by id.",
    ("WebhookService", "ResendEvent"): "ResendEvent delivers an event again.",
    ("WebhookService", "SendTestWebhook"): "SendTestWebhook sends a test event to an endpoint.",
    ("WebhookService", "ListWebhookDeliveries"): "ListWebhookDeliveries returns delivery "
                                                 "attempts for an endpoint or event.",
    ("WebhookService", "GetEndpointHealth"): "GetEndpointHealth reports an endpoint's recent "
                                             "delivery success.",
}


def type_name(schema_type):
    """Package-relative name for our own types; well-known types as given."""
    prefix = PACKAGE + "."
    if schema_type.startswith(prefix):
        return schema_type[len(prefix):]
    return schema_type


def field_line(field):
    schema_type = field["type"]
    if schema_type == "map<string,string>":
        decl = "map<string, string>"
    else:
        decl = type_name(schema_type)
        if field.get("repeated"):
            decl = "repeated " + decl
        elif field.get("optional"):
            decl = "optional " + decl
    line = "  %s %s = %d" % (decl, field["name"], field["number"])
    if field.get("rules"):
        line += " [(buf.validate.field) = { %s }]" % field["rules"]
    return line + ";"


def emit_enum(out, enum):
    out.append("enum %s {" % enum["name"])
    for name, number in enum["values"]:
        out.append("  %s = %d;" % (name, number))
    out.append("}")
    out.append("")


def emit_message(out, message):
    out.append("message %s {" % message["name"])
    if message.get("message_rules"):
        out.append("  option (buf.validate.message) = { %s };" % message["message_rules"])
        if message["fields"]:
            out.append("")
    for field in message["fields"]:
        out.append(field_line(field))
    out.append("}")
    out.append("")


def emit_service(out, service):
    name = service["name"]
    out.append("// %s" % SERVICE_DOCS[name])
    out.append("service %s {" % name)
    for i, method in enumerate(service["methods"]):
        if i:
            out.append("")
        out.append("  // %s" % METHOD_DOCS[(name, method["name"])])
        output = type_name(method["output"])
        if method.get("server_streaming"):
            output = "stream " + output
        out.append("  rpc %s(%s) returns (%s);" % (method["name"], type_name(method["input"]),
                                                   output))
    out.append("}")
    out.append("")


def emit_file(entry):
    out = [
        "// Transcodely API v1: %s." % os.path.basename(entry["file"]),
        "// Derived from the public transcodely.v1 schema (see proto/tools/schema_to_proto.py).",
        "",
        'syntax = "proto3";',
        "",
        "package %s;" % entry["package"],
        "",
    ]
    if entry["imports"]:
        for imp in entry["imports"]:
            out.append('import "%s";' % imp)
        out.append("")
    # Sections in the order the schema lists them.
    for key in entry:
        if key == "enums":
            for enum in entry[key]:
                emit_enum(out, enum)
        elif key == "messages":
            for message in entry[key]:
                emit_message(out, message)
        elif key == "services":
            for service in entry[key]:
                emit_service(out, service)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    schema_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        repo, "..", "shared", "api", "transcodely-v1-schema.json")
    proto_root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(repo, "proto")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    for entry in schema["files"]:
        path = os.path.join(proto_root, entry["file"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(emit_file(entry))
        print("wrote", path)


if __name__ == "__main__":
    main()

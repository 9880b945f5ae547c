#!/usr/bin/env python3
"""A third-party Open311 GeoReport v2 client (PyPI `georeport`) against a running Linli hub.

    check_client.py HUB_URL API_KEY JURISDICTION CASE_ID OTHER_ID

The client sends no api_key on GET calls, so the key goes as the user name of HTTP Basic
authentication in the endpoint's address, `KEY:@host` (the hub takes either). Reads services, a service's
definition, the request list and single requests in JSON and XML, checks the fields it gets, and
checks that the same calls without the key are refused with 403. Prints "georeport client: ok".
"""
import sys
from urllib.parse import urlsplit, urlunsplit

import requests
from georeport import GeoReport


def with_key(url: str, key: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{key}:@{parts.netloc}"))


def main() -> int:
    hub, key, jurisdiction, case_id, other_id = sys.argv[1:6]
    root = hub.rstrip("/") + "/open311/v2"
    for fmt in ("json", "xml"):
        client = GeoReport(with_key(root, key), jurisdiction=jurisdiction, output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert "environment" in codes, (fmt, services)
        for s in services:
            for f in ("service_name", "metadata", "type", "group"):
                assert f in s, (fmt, f, s)
        definition = client.get_service_definition("environment")
        assert definition["service_code"] == "environment", definition
        attrs = definition["attributes"]
        if fmt == "xml":
            attrs = attrs["attribute"]
        assert [a["code"] for a in attrs] == ["external_id", "deadline", "hotline_category"], attrs

        listed = client.get_service_requests()
        if isinstance(listed, dict):  # xmltodict gives one request as a dict, several as a list
            listed = [listed]
        ids = {r["service_request_id"] for r in listed}
        assert {case_id, other_id} <= ids, (fmt, ids)
        only = client.get_service_requests(service_code="environment", status="open")
        if isinstance(only, dict):
            only = [only]
        assert [r["service_request_id"] for r in only] == [case_id], (fmt, only)

        one = client.get_service_request(case_id)
        assert one["service_request_id"] == case_id, one
        assert one["status"] == "open", one
        assert one["service_code"] == "environment", one
        assert one["address"].endswith("2号楼"), one
        assert one["expected_datetime"].startswith("2026-12-31T09:30:00"), one
        theirs = client.get_service_request(other_id)
        assert theirs["description"] in (None, ""), theirs
        assert "101" not in str(theirs), theirs

        anonymous = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)
        for call in (
            anonymous.get_service_list,
            lambda: anonymous.get_service_definition("environment"),
            anonymous.get_service_requests,
            lambda: anonymous.get_service_request(case_id),
        ):
            try:
                call()
            except requests.HTTPError as e:
                assert e.response.status_code == 403, e
            else:
                raise AssertionError(f"{fmt}: a call without a key was answered")
        wrong = GeoReport(with_key(root, "not-a-key"), jurisdiction=jurisdiction, output_format=fmt)
        try:
            wrong.get_service_list()
        except requests.HTTPError as e:
            assert e.response.status_code == 403, e
        else:
            raise AssertionError(f"{fmt}: a wrong key was accepted")
    print("georeport client: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

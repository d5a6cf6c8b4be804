"""The CKAN-compatible catalog API, driven by the unmodified `ckanapi` client."""

import ckanapi
import pytest
import requests


def test_ckanapi_lists_and_searches_the_demo_catalog(base_url):
    ckan = ckanapi.RemoteCKAN(base_url, user_agent="yiwang-e2e")

    found = ckan.action.package_search(q="营业执照", rows=20, **{"facet.field": ["organization", "share_type"]})
    assert found["count"] > 0
    for package in found["results"]:
        text = package["title"] + package["notes"] + " ".join(t["name"] for t in package["tags"])
        extras = {e["key"]: e["value"] for e in package["extras"]}
        assert "营业执照" in text or "营业执照" in extras.get("data_items", ""), package["title"]
        # the public sees only entries open to society: unconditional ones
        assert extras["share_type"] == "无条件共享"
    assert found["facets"]["organization"]
    assert found["search_facets"]["share_type"]["items"]

    property_search = ckan.action.package_search(q="不动产", rows=5)
    assert property_search["count"] > 0

    names = ckan.action.package_list(limit=1000)
    assert len(names) > 0
    first = ckan.action.package_show(id=names[0])
    assert first["name"] == names[0]
    assert first["organization"]["title"]

    organisations = ckan.action.organization_list()
    assert organisations
    organisation = ckan.action.organization_show(id=organisations[0])
    assert organisation["package_count"] > 0

    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="r-999-000000")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows=5000)


def test_a_system_token_sees_conditional_entries(base_url, create_client):
    system = create_client(redirect_uri=None, scopes=("catalog.read",), grant_types=("client_credentials",), prefix="e2e-harvester")
    token = requests.post(f"{base_url}/oidc/token", data={"grant_type": "client_credentials", "scope": "catalog.read"},
                          auth=(system.client_id, system.client_secret), timeout=30).json()["access_token"]

    anonymous = ckanapi.RemoteCKAN(base_url).action.package_search(fq="share_type:2", rows=0)
    harvester = ckanapi.RemoteCKAN(base_url, apikey=token).action.package_search(fq="share_type:2", rows=10)
    assert anonymous["count"] == 0
    assert harvester["count"] > 0
    assert all({e["key"]: e["value"] for e in p["extras"]}["share_type"] == "有条件共享" for p in harvester["results"])

"""Webhook targets: https only, and never a loopback, private, link-local or otherwise
non-public address, whether written as an IP literal or behind a DNS name."""

import pytest

from shared.rules.webhook_targets import TargetRefused, check_resolved, is_public, parse_target

NON_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "192.0.2.10", "198.18.0.1",
    "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1",
    "2002:a00:1::1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "20.50.2.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public(address):
    assert is_public(address)


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.0.0.5:8443/hook", "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook", "https://[fd00::5]/hook", "https://[fe80::1]/hook", "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:7f00:1]/hook",
])
def test_ip_literal_urls_of_non_public_addresses_are_refused(url):
    with pytest.raises(TargetRefused):
        parse_target(url)


@pytest.mark.parametrize("url", ["http://crm.example.com/hook", "ftp://crm.example.com/", "file:///etc/passwd",
                                 "crm.example.com/hook", "https:///path", "", "https://crm.example.com/a b",
                                 "https://crm.example.com:99999/"])
def test_only_well_formed_https_urls_are_accepted(url):
    with pytest.raises(TargetRefused):
        parse_target(url)


def test_an_https_url_is_parsed_into_host_port_and_literal_address():
    target = parse_target("https://CRM.example.com./hooks/bookme?x=1")
    assert (target.scheme, target.host, target.port, target.address) == ("https", "crm.example.com", 443, None)
    literal = parse_target("https://[2606:4700:4700::1111]:8443/")
    assert (literal.port, str(literal.address)) == (8443, "2606:4700:4700::1111")


def test_allowing_private_targets_also_allows_http_to_them_but_never_to_a_public_address():
    assert parse_target("http://127.0.0.1:8080/hook", allow_private=True).port == 8080
    assert parse_target("https://[::1]/hook", allow_private=True).host == "::1"
    assert parse_target("https://8.8.8.8/hook", allow_private=True).port == 443
    for url in ("ftp://127.0.0.1/", "http://8.8.8.8/hook", "http://[2606:4700:4700::1111]/"):
        with pytest.raises(TargetRefused):
            parse_target(url, allow_private=True)


def test_with_private_targets_allowed_an_http_name_must_resolve_to_non_public_addresses_only():
    check_resolved("localhost", ["127.0.0.1", "::1"], allow_private=True, scheme="http")
    for answers in (["8.8.8.8"], ["127.0.0.1", "8.8.8.8"], []):
        with pytest.raises(TargetRefused):
            check_resolved("mixed.example", answers, allow_private=True, scheme="http")


@pytest.mark.parametrize("answers", [["10.0.0.7"], ["8.8.8.8", "127.0.0.1"], ["2606:4700::1", "fd00::1"],
                                     ["::ffff:192.168.0.1"], []])
def test_a_dns_name_is_refused_when_any_answer_is_not_public_or_there_is_none(answers):
    with pytest.raises(TargetRefused):
        check_resolved("crm.example.com", answers)


def test_a_dns_name_resolving_to_public_addresses_only_is_accepted():
    check_resolved("crm.example.com", ["8.8.8.8", "2606:4700:4700::1111"])
    check_resolved("localhost", ["127.0.0.1", "::1"], allow_private=True)

"""Writes a small MaxMind DB (GeoIP2-City layout) for the threat-protection tests.

Usage: python geoip.py OUT.mmdb
Networks: 192.0.2.0/24 is in Paris, 198.51.100.0/24 in New York, 203.0.113.0/24 in Lyon.
"""
import sys

from mmdb_writer import MMDBWriter
from netaddr import IPSet

PLACES = {
    "192.0.2.0/24": ("Paris", "FR", 48.8566, 2.3522, "Europe/Paris"),
    "198.51.100.0/24": ("New York", "US", 40.7128, -74.0060, "America/New_York"),
    "203.0.113.0/24": ("Lyon", "FR", 45.7640, 4.8357, "Europe/Paris"),
}

writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-City", languages=["en"])
for net, (city, country, lat, lon, tz) in PLACES.items():
    writer.insert_network(
        IPSet([net]),
        {
            "city": {"names": {"en": city}},
            "country": {"iso_code": country, "names": {"en": country}},
            "location": {"latitude": lat, "longitude": lon, "time_zone": tz},
        },
    )
writer.to_db_file(sys.argv[1])

//! `COGNATE_GEOIP_DB`: a MaxMind DB (GeoLite2-City, GeoIP2-City, or any database with their
//! `city`, `country` and `location` members), read whole into memory at the start, for threat
//! protection's locations.

use cognate_core::threat::geo::{Locator, Place};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

/// The database.
pub struct GeoIp {
    reader: maxminddb::Reader<Vec<u8>>,
}

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    names: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Country {
    #[serde(default)]
    iso_code: Option<String>,
}

#[derive(Deserialize)]
struct Location {
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[serde(default)]
    time_zone: Option<String>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    city: Option<Named>,
    #[serde(default)]
    country: Option<Country>,
    #[serde(default)]
    location: Option<Location>,
}

impl GeoIp {
    /// Opens the database at `path`.
    pub fn open(path: &Path) -> Result<Self, String> {
        let reader =
            maxminddb::Reader::open_readfile(path).map_err(|e| format!("COGNATE_GEOIP_DB {}: {e}", path.display()))?;
        Ok(Self { reader })
    }
}

impl Locator for GeoIp {
    fn locate(&self, ip: IpAddr) -> Option<Place> {
        let found = self.reader.lookup(cognate_model::net::canonical(ip)).ok()?;
        let r: Record = found.decode().ok()??;
        let loc = r.location?;
        Some(Place {
            city: r.city.and_then(|c| c.names.get("en").cloned()),
            country: r.country.and_then(|c| c.iso_code),
            latitude: loc.latitude?,
            longitude: loc.longitude?,
            time_zone: loc.time_zone,
        })
    }
}

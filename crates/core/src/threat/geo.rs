//! Where an address is: a GeoIP database the operator supplies (`COGNATE_GEOIP_DB`, read by the
//! server), for the events' city and country and the impossible-travel signal.

use std::net::IpAddr;

/// A place an address is in.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The city's name (English).
    pub city: Option<String>,
    /// The country's ISO code.
    pub country: Option<String>,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// The IANA time zone.
    pub time_zone: Option<String>,
}

/// Looks addresses up.
pub trait Locator: Send + Sync {
    /// The place of `ip`, when the database knows it.
    fn locate(&self, ip: IpAddr) -> Option<Place>;
}

/// Great-circle distance in kilometres between two (latitude, longitude) points.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Coordinates as the events keep them: ten-thousandths of a degree (about 11 m).
pub fn to_fixed(p: &Place) -> (i32, i32) {
    ((p.latitude * 1e4).round() as i32, (p.longitude * 1e4).round() as i32)
}

/// Back to degrees.
pub fn from_fixed(c: (i32, i32)) -> (f64, f64) {
    (f64::from(c.0) / 1e4, f64::from(c.1) / 1e4)
}

#[cfg(test)]
mod tests {
    #[test]
    fn paris_to_new_york() {
        let d = super::distance_km((48.8566, 2.3522), (40.7128, -74.0060));
        assert!((5830.0..5845.0).contains(&d), "{d}");
    }
}

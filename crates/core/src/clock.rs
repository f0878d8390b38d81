//! Calendar arithmetic in UTC: `xs:dateTime` (SAML), ASN.1 UTCTime / GeneralizedTime
//! (X.509), `YYYY-MM` months, and the civil date of SRP's timestamps, to and from Unix time.

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn from_parts(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    let ok = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s < 61;
    ok.then(|| (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000)
}

/// `2026-11-29T03:04:05Z` or `2026-11-29T03:04:05.123Z` (or `+00:00`) as Unix milliseconds.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let body = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = body.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (y, mo, dd) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':');
    let (h, mi, se) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    let ms = if frac.is_empty() { 0 } else { num(&format!("{:0<3}", &frac[..frac.len().min(3)]))? };
    Some(from_parts(y, mo, dd, h, mi, se)? + ms)
}

/// Unix milliseconds as `2026-11-29T03:04:05Z`.
pub fn format_datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    let r = secs.rem_euclid(86400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", r / 3600, r % 3600 / 60, r % 60)
}

/// ASN.1 UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as Unix ms.
pub fn parse_asn1_time(generalized: bool, s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    let (y, rest) = if generalized {
        (num(s.get(..4)?)?, s.get(4..)?)
    } else {
        let yy = num(s.get(..2)?)?;
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
    };
    let p = |i: usize| rest.get(i..i + 2).and_then(num);
    from_parts(y, p(0)?, p(2)?, p(4)?, p(6)?, p(8)?)
}

/// Unix ms as an ASN.1 time: (GeneralizedTime?, text), UTCTime before 2050 (RFC 5280).
pub fn format_asn1_time(ms: i64) -> (bool, String) {
    let iso = format_datetime(ms);
    let digits: String = iso.chars().filter(char::is_ascii_digit).collect();
    let year: i64 = digits[..4].parse().unwrap_or(0);
    if year < 2050 {
        (false, format!("{}Z", &digits[2..]))
    } else {
        (true, format!("{digits}Z"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let ms = parse_datetime("2026-11-29T03:04:05Z").unwrap();
        assert_eq!(format_datetime(ms), "2026-11-29T03:04:05Z");
        assert_eq!(parse_datetime("2026-11-29T03:04:05.5Z"), Some(ms + 500));
        assert_eq!(parse_datetime("2026-11-29T03:04:05+00:00"), Some(ms));
        assert_eq!(parse_datetime("2026-11-29T03:04:05+02:00"), None);
        assert_eq!(parse_datetime("2026-13-29T03:04:05Z"), None);
        assert_eq!(format_asn1_time(ms), (false, "261129030405Z".to_string()));
        assert_eq!(parse_asn1_time(false, "261129030405Z"), Some(ms));
        let later = parse_datetime("2051-01-01T00:00:00Z").unwrap();
        assert_eq!(format_asn1_time(later), (true, "20510101000000Z".to_string()));
        assert_eq!(parse_asn1_time(true, "20510101000000Z"), Some(later));
    }
}

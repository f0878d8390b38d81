//! Encrypted assertions (XML Encryption): the content key unwrapped with the pool's encryption
//! key (RSA-OAEP; RSA PKCS#1 v1.5 is refused, it is the Bleichenbacher oracle), then the
//! assertion decrypted (AES-CBC or AES-GCM, 128 or 256 bits).

use super::dsig::{text, DSIG};
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey, AES_128, AES_256};
use aws_lc_rs::rsa::{OaepAlgorithm, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use base64::Engine;
use roxmltree::Node;

/// The XML Encryption namespace.
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";

fn find<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    n.descendants().find(|d| d.is_element() && d.tag_name().namespace() == Some(ns) && d.tag_name().name() == name)
}

fn child<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|d| d.is_element() && d.tag_name().namespace() == Some(ns) && d.tag_name().name() == name)
}

fn cipher_value(n: Node<'_, '_>) -> Result<Vec<u8>, String> {
    let v = child(n, XENC, "CipherData").and_then(|c| child(c, XENC, "CipherValue")).ok_or("no CipherValue")?;
    let clean: String = text(v).chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).map_err(|_| "bad base64 in CipherValue".to_string())
}

fn oaep(method: Node<'_, '_>) -> Result<&'static OaepAlgorithm, String> {
    let alg = method.attribute("Algorithm").unwrap_or("");
    let digest = child(method, DSIG, "DigestMethod").and_then(|d| d.attribute("Algorithm"));
    let mgf = child(method, XENC11, "MGF").and_then(|d| d.attribute("Algorithm"));
    let sha1 = |d: Option<&str>| d.is_none_or(|d| d == "http://www.w3.org/2000/09/xmldsig#sha1");
    match alg {
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" if sha1(digest) => Ok(&aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1),
        "http://www.w3.org/2009/xmlenc11#rsa-oaep" => match (digest, mgf) {
            (d, None | Some("http://www.w3.org/2009/xmlenc11#mgf1sha1")) if sha1(d) => {
                Ok(&aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1)
            }
            (Some("http://www.w3.org/2001/04/xmlenc#sha256"), Some("http://www.w3.org/2009/xmlenc11#mgf1sha256")) => {
                Ok(&aws_lc_rs::rsa::OAEP_SHA256_MGF1SHA256)
            }
            _ => Err("this RSA-OAEP digest and mask are not supported".into()),
        },
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5" => Err("RSA PKCS#1 v1.5 key transport is refused".into()),
        other => Err(format!("key transport {other} is not supported")),
    }
}

/// The assertion inside an `EncryptedAssertion`, as XML text.
pub fn decrypt(encrypted: Node<'_, '_>, pkcs8: &[u8]) -> Result<String, String> {
    let data = child(encrypted, XENC, "EncryptedData").ok_or("no EncryptedData")?;
    let data_alg = child(data, XENC, "EncryptionMethod").and_then(|m| m.attribute("Algorithm")).unwrap_or("");
    let ek = find(encrypted, XENC, "EncryptedKey").ok_or("no EncryptedKey")?;
    let alg = oaep(child(ek, XENC, "EncryptionMethod").ok_or("no key EncryptionMethod")?)?;
    let private = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| "the pool's encryption key is unusable")?;
    let private = OaepPrivateDecryptingKey::new(private).map_err(|_| "the pool's encryption key is unusable")?;
    let wrapped = cipher_value(ek)?;
    let mut buf = vec![0u8; private.min_output_size()];
    let key = private.decrypt(alg, &wrapped, &mut buf, None).map_err(|_| "the content key does not decrypt")?.to_vec();
    let mut body = cipher_value(data)?;
    let plain = match data_alg {
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc" | "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => {
            let cipher = if data_alg.ends_with("aes128-cbc") { &AES_128 } else { &AES_256 };
            if body.len() < 32 || body.len() % 16 != 0 {
                return Err("the encrypted assertion is truncated".into());
            }
            let iv: [u8; 16] = body[..16].try_into().map_err(|_| "no IV")?;
            let mut rest = body.split_off(16);
            let k = UnboundCipherKey::new(cipher, &key).map_err(|_| "the content key has the wrong size")?;
            let k = PaddedBlockDecryptingKey::cbc_iso10126(k).map_err(|_| "cannot use the content key")?;
            let plain = k
                .decrypt(&mut rest, DecryptionContext::Iv128(iv.into()))
                .map_err(|_| "the assertion does not decrypt")?;
            plain.to_vec()
        }
        "http://www.w3.org/2009/xmlenc11#aes128-gcm" | "http://www.w3.org/2009/xmlenc11#aes256-gcm" => {
            let alg = if data_alg.ends_with("aes128-gcm") { &aead::AES_128_GCM } else { &aead::AES_256_GCM };
            if body.len() < 12 + 16 {
                return Err("the encrypted assertion is truncated".into());
            }
            let nonce = Nonce::try_assume_unique_for_key(&body[..12]).map_err(|_| "no nonce")?;
            let mut rest = body.split_off(12);
            let k = LessSafeKey::new(UnboundKey::new(alg, &key).map_err(|_| "the content key has the wrong size")?);
            k.open_in_place(nonce, Aad::empty(), &mut rest).map_err(|_| "the assertion does not decrypt")?.to_vec()
        }
        other => return Err(format!("content encryption {other} is not supported")),
    };
    String::from_utf8(plain).map_err(|_| "the decrypted assertion is not UTF-8".into())
}

//! The code a custom sender gets, encrypted the way Cognito encrypts it: an AWS Encryption SDK
//! message (format version 2, algorithm suite 0x0478 `AES_256_GCM_HKDF_SHA512_COMMIT_KEY`, one
//! framed final frame), whose data key is wrapped by a *raw AES keyring* — the operator's
//! `COGNATE_CODE_ENCRYPTION_KEY` — where Cognito uses a KMS key. A function decrypts it with the
//! Encryption SDK it already uses, swapping `KmsKeyringNode` for `RawAesKeyringNode` with key
//! namespace [`KEY_NAMESPACE`] and the pool's `KMSKeyID` as key name.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha512;
use std::collections::BTreeMap;

/// The raw AES keyring's key namespace (its key provider ID).
pub const KEY_NAMESPACE: &str = "cognate";
const SUITE: u16 = 0x0478;
const FRAME: u32 = 4096;

/// HKDF-SHA512 (RFC 5869), 32 bytes of output.
fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; 32] {
    let mut extract = <Hmac<Sha512> as Mac>::new_from_slice(salt).expect("any key length");
    extract.update(ikm);
    let prk = extract.finalize().into_bytes();
    let mut expand = <Hmac<Sha512> as Mac>::new_from_slice(&prk).expect("any key length");
    expand.update(info);
    expand.update(&[1]);
    let t1 = expand.finalize().into_bytes();
    let mut out = [0u8; 32];
    out.copy_from_slice(&t1[..32]);
    out
}

fn u16_len(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The serialized encryption context (empty for an empty context).
fn context_bytes(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = vec![];
    if context.is_empty() {
        return out;
    }
    out.extend_from_slice(&(context.len() as u16).to_be_bytes());
    for (k, v) in context {
        u16_len(&mut out, k.as_bytes());
        u16_len(&mut out, v.as_bytes());
    }
    out
}

fn gcm(key: &[u8; 32], iv: &[u8; 12], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    Aes256Gcm::new_from_slice(key)
        .expect("32-byte key")
        .encrypt(Nonce::from_slice(iv), Payload { msg: plaintext, aad })
        .expect("AES-GCM encrypts any length here")
}

/// Encrypts `plaintext` for a function holding `wrapping_key` under `key_name`.
pub fn encrypt(
    wrapping_key: &[u8; 32],
    key_name: &str,
    context: &BTreeMap<String, String>,
    plaintext: &[u8],
) -> Vec<u8> {
    let mut rng = rand::rngs::OsRng;
    let mut data_key = [0u8; 32];
    rng.fill_bytes(&mut data_key);
    let mut message_id = [0u8; 32];
    rng.fill_bytes(&mut message_id);
    let ec = context_bytes(context);

    // The data key, wrapped by the raw AES keyring.
    let mut wrap_iv = [0u8; 12];
    rng.fill_bytes(&mut wrap_iv);
    let wrapped = gcm(wrapping_key, &wrap_iv, &data_key, &ec);
    let mut provider_info = key_name.as_bytes().to_vec();
    provider_info.extend_from_slice(&128u32.to_be_bytes());
    provider_info.extend_from_slice(&12u32.to_be_bytes());
    provider_info.extend_from_slice(&wrap_iv);

    let mut suite_info = SUITE.to_be_bytes().to_vec();
    suite_info.extend_from_slice(b"DERIVEKEY");
    let key = hkdf32(&message_id, &data_key, &suite_info);
    let commitment = hkdf32(&message_id, &data_key, b"COMMITKEY");

    let mut header = vec![0x02];
    header.extend_from_slice(&SUITE.to_be_bytes());
    header.extend_from_slice(&message_id);
    u16_len(&mut header, &ec);
    header.extend_from_slice(&1u16.to_be_bytes());
    u16_len(&mut header, KEY_NAMESPACE.as_bytes());
    u16_len(&mut header, &provider_info);
    u16_len(&mut header, &wrapped);
    header.push(0x02); // framed
    header.extend_from_slice(&FRAME.to_be_bytes());
    header.extend_from_slice(&commitment);
    // The header's authentication tag: an empty plaintext under a zero IV.
    let tag = gcm(&key, &[0u8; 12], &[], &header);
    let mut out = header;
    out.extend_from_slice(&tag);

    // One final frame (a code is far shorter than a frame).
    let seq = 1u32;
    let mut iv = [0u8; 12];
    iv[8..].copy_from_slice(&seq.to_be_bytes());
    let mut aad = message_id.to_vec();
    aad.extend_from_slice(b"AWSKMSEncryptionClient Final Frame");
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.extend_from_slice(&(plaintext.len() as u64).to_be_bytes());
    let sealed = gcm(&key, &iv, plaintext, &aad);
    let (content, frame_tag) = sealed.split_at(plaintext.len());
    out.extend_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&iv);
    out.extend_from_slice(&(content.len() as u32).to_be_bytes());
    out.extend_from_slice(content);
    out.extend_from_slice(frame_tag);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of the same format (what a function's Encryption SDK does), for the round trip.
    fn decrypt(wrapping_key: &[u8; 32], key_name: &str, msg: &[u8]) -> Vec<u8> {
        let at = std::cell::Cell::new(0usize);
        let take = |n: usize| {
            let a = at.get();
            at.set(a + n);
            &msg[a..a + n]
        };
        assert_eq!(take(1), [2]);
        assert_eq!(take(2), SUITE.to_be_bytes());
        let message_id = take(32).to_vec();
        let ec_len = u16::from_be_bytes(take(2).try_into().unwrap()) as usize;
        let ec = take(ec_len).to_vec();
        assert_eq!(take(2), 1u16.to_be_bytes());
        let n = u16::from_be_bytes(take(2).try_into().unwrap()) as usize;
        assert_eq!(take(n), KEY_NAMESPACE.as_bytes());
        let n = u16::from_be_bytes(take(2).try_into().unwrap()) as usize;
        let info = take(n).to_vec();
        assert_eq!(&info[..key_name.len()], key_name.as_bytes());
        let wrap_iv: [u8; 12] = info[info.len() - 12..].try_into().unwrap();
        let n = u16::from_be_bytes(take(2).try_into().unwrap()) as usize;
        let wrapped = take(n).to_vec();
        let data_key = Aes256Gcm::new_from_slice(wrapping_key)
            .unwrap()
            .decrypt(Nonce::from_slice(&wrap_iv), Payload { msg: &wrapped, aad: &ec })
            .unwrap();
        assert_eq!(take(1), [2]);
        take(4);
        let commitment = take(32).to_vec();
        assert_eq!(commitment, hkdf32(&message_id, &data_key, b"COMMITKEY"));
        let header_len = at.get();
        take(16);
        let mut info = SUITE.to_be_bytes().to_vec();
        info.extend_from_slice(b"DERIVEKEY");
        let key = hkdf32(&message_id, &data_key, &info);
        let header_tag = gcm(&key, &[0; 12], &[], &msg[..header_len]);
        assert_eq!(&msg[header_len..header_len + 16], &header_tag[..]);
        assert_eq!(take(4), [0xFF; 4]);
        let seq = take(4).to_vec();
        let iv: [u8; 12] = take(12).try_into().unwrap();
        let len = u32::from_be_bytes(take(4).try_into().unwrap()) as usize;
        let mut sealed = take(len).to_vec();
        sealed.extend_from_slice(take(16));
        let mut aad = message_id.clone();
        aad.extend_from_slice(b"AWSKMSEncryptionClient Final Frame");
        aad.extend_from_slice(&seq);
        aad.extend_from_slice(&(len as u64).to_be_bytes());
        Aes256Gcm::new_from_slice(&key)
            .unwrap()
            .decrypt(Nonce::from_slice(&iv), Payload { msg: &sealed, aad: &aad })
            .unwrap()
    }

    #[test]
    fn round_trip_and_no_code_in_clear() {
        let key = [7u8; 32];
        let ctx = BTreeMap::from([("userpool-id".to_string(), "us-east-1_X".to_string())]);
        let msg = encrypt(&key, "arn:aws:kms:us-east-1:0:key/k", &ctx, b"123456");
        assert!(!msg.windows(6).any(|w| w == b"123456"));
        assert_eq!(decrypt(&key, "arn:aws:kms:us-east-1:0:key/k", &msg), b"123456");
        // Two encryptions of one code differ.
        assert_ne!(msg, encrypt(&key, "arn:aws:kms:us-east-1:0:key/k", &ctx, b"123456"));
    }

    #[test]
    fn hkdf_sha512_matches_rfc_5869_style_vectors() {
        // RFC 5869 test case 1's inputs with SHA-512 (the output as Python's hmac computes it).
        let ikm = [0x0b; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let okm = hkdf32(&salt, &ikm, &info);
        assert_eq!(hex_of(&okm), "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c14815793");
    }

    fn hex_of(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}

// Decrypts a custom sender's `code` the way a Lambda function does, with the AWS Encryption SDK
// (@aws-crypto/client-node) and a raw AES keyring in place of the KMS keyring.
// Usage: node decrypt-code.js CODE_B64 KEY_B64 KEY_NAME. Prints one JSON line.
const {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} = require('@aws-crypto/client-node');

const [code, key, keyName] = process.argv.slice(2);
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const keyring = new RawAesKeyringNode({
  keyName,
  keyNamespace: 'cognate',
  unencryptedMasterKey: new Uint8Array(Buffer.from(key, 'base64')),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});
decrypt(keyring, Buffer.from(code, 'base64'))
  .then(({ plaintext, messageHeader }) => {
    console.log(JSON.stringify({
      ok: true,
      code: Buffer.from(plaintext).toString(),
      context: messageHeader.encryptionContext,
      suite: messageHeader.suiteId,
    }));
  })
  .catch((e) => {
    console.log(JSON.stringify({ ok: false, message: String(e && e.message) }));
    process.exit(1);
  });

//! A sanitising front for stdin. tower-lsp-server stops reading for good after one malformed
//! frame (its framed reader ends the stream on a decode error), which would make a stray byte
//! from a buggy client kill the server. This proxy reads `Content-Length` frames itself and
//! passes on only well-formed JSON-RPC messages; anything else becomes a `byline/invalidMessage`
//! message (a request when the garbage carried a usable id, so the client gets an error reply;
//! a notification otherwise), which the backend logs. Malformed headers are skipped up to the
//! next `Content-Length:` header.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest message accepted (a 2 GiB frame would otherwise be allocated on trust).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;

pub const INVALID_METHOD: &str = "byline/invalidMessage";

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Turn one received body into the bytes to pass on.
pub fn sanitize(body: &[u8]) -> Vec<u8> {
    let ok = serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok();
    if ok {
        return frame(body);
    }
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let reason = match &parsed {
        None => "not valid JSON".to_string(),
        Some(Value::Object(_)) => "not a valid JSON-RPC 2.0 message".to_string(),
        Some(_) => "not a JSON-RPC object".to_string(),
    };
    let id = parsed
        .as_ref()
        .and_then(|v| v.get("id"))
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned();
    let preview: String = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
    let msg = match id {
        Some(id) => {
            json!({"jsonrpc": "2.0", "id": id, "method": INVALID_METHOD, "params": {"reason": reason, "preview": preview}})
        }
        None => {
            json!({"jsonrpc": "2.0", "method": INVALID_METHOD, "params": {"reason": reason, "preview": preview}})
        }
    };
    frame(msg.to_string().as_bytes())
}

/// Copy frames from `input` to `output`, sanitising each. Ends at end of input.
pub async fn pump<R, W>(input: R, mut output: W)
where
    R: tokio::io::AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers.
        let mut len: Option<usize> = None;
        let mut bad_header = false;
        loop {
            line.clear();
            match r.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let t = text.trim_end_matches(['\r', '\n']);
            if t.is_empty() {
                if len.is_some() || bad_header {
                    break;
                }
                continue; // stray blank line between messages
            }
            match t.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("content-length") => {
                    len = v.trim().parse().ok();
                    if len.is_none() {
                        bad_header = true;
                    }
                }
                Some((k, _)) if k.trim().eq_ignore_ascii_case("content-type") => {}
                _ => bad_header = true,
            }
        }
        let Some(n) = len.filter(|n| *n <= MAX_MESSAGE) else {
            tracing::warn!(
                "skipping a message with a missing, malformed or oversized Content-Length header"
            );
            let note = sanitize(b"<malformed header>");
            if output.write_all(&note).await.is_err() {
                return;
            }
            continue;
        };
        let mut body = vec![0u8; n];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        if output.write_all(&sanitize(&body)).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_messages_pass_unchanged() {
        let b = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        assert_eq!(sanitize(b), frame(b));
        let b = br#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        assert_eq!(sanitize(b), frame(b));
    }

    #[test]
    fn garbage_becomes_invalid_message() {
        let out = String::from_utf8(sanitize(b"{garbage}")).unwrap();
        assert!(out.contains(INVALID_METHOD) && !out.contains("\"id\""));
        let out = String::from_utf8(sanitize(br#"{"id":7,"method":5}"#)).unwrap();
        assert!(out.contains(INVALID_METHOD) && out.contains("\"id\":7"));
        let out = String::from_utf8(sanitize(&[0xff, 0xfe])).unwrap();
        assert!(out.contains("not valid JSON"));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn pump_survives_bad_headers() {
        let input: &[u8] = b"Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n[]Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}";
        let mut out = Vec::new();
        pump(input, &mut out).await;
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s.matches(INVALID_METHOD).count(), 2);
        assert!(s.ends_with("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}"));
    }
}

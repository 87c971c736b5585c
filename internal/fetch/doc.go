// Package fetch downloads the remote files a configuration names as
// references (https:// URLs) so that their bytes, not their addresses, can
// be hashed and pinned in the lockfile.
//
// A fetch is deliberately narrow: https only (redirects included), no
// credentials of any kind (no userinfo in the URL, no Authorization or
// cookie header, not even on a redirect), a size limit checked before and
// while reading, a deadline per URL, and a few retries of a GET that is
// free to repeat. Error texts never carry a URL's query string, where
// signed links keep their signatures.
//
// It knows nothing of the engine, the lockfile or images beyond refusing a
// response that declares itself to be text; the caller checks the bytes.
// Its API is internal to easel and may change.
package fetch

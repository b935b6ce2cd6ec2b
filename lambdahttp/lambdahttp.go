// Package lambdahttp serves an http.Handler as a Lambda function behind an API Gateway HTTP API
// (payload format 2.0), so that a function runs exactly the handlers the local binary runs.
package lambdahttp

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Handler adapts h to API Gateway v2 events.
type Handler struct {
	h http.Handler
	o Options
}

// OriginSecretHeader is the header in which CloudFront sends Options.OriginSecret to the API.
const OriginSecretHeader = "X-Meldwijzer-Origin"

// Options say which requests the adapter takes and whose address it trusts.
type Options struct {
	// OriginSecret, when set, is the value that CloudFront (and nobody else) sends in
	// OriginSecretHeader. A request without it came around CloudFront, its WAF and its limits,
	// straight to the API's own endpoint: it gets 403. Only a request with it is trusted to name
	// the viewer's address in CloudFront-Viewer-Address. When empty the adapter trusts no header
	// and keys limits by the connection's source address.
	OriginSecret string
	// Header is added to the adapter's own answers (a 400 for an unreadable event, the 403):
	// the security headers every answer of the handler carries (api.SecurityHeaders).
	Header http.Header
}

// New returns a Lambda handler that serves h.
func New(h http.Handler, o Options) *Handler { return &Handler{h: h, o: o} }

// fromOrigin reports whether the event carries the origin secret.
func (l *Handler) fromOrigin(e events.APIGatewayV2HTTPRequest) bool {
	v, ok := header(e, OriginSecretHeader)
	return ok && subtle.ConstantTimeCompare([]byte(v), []byte(l.o.OriginSecret)) == 1
}

// Invoke handles one API Gateway v2 event.
func (l *Handler) Invoke(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	viaCloudFront := l.o.OriginSecret != "" && l.fromOrigin(e)
	if l.o.OriginSecret != "" && !viaCloudFront {
		return l.own(http.StatusForbidden, `{"error":{"code":"forbidden","message":"use the app's own address"}}`), nil
	}
	r, err := request(ctx, e, viaCloudFront)
	if err != nil {
		return l.own(http.StatusBadRequest, `{"error":{"code":"invalid","message":"the request could not be read"}}`), nil
	}
	w := &responseWriter{header: http.Header{}}
	l.h.ServeHTTP(w, r)
	res := w.response()
	if r.Method == http.MethodHead {
		res.Body, res.IsBase64Encoded = "", false // as net/http does: a HEAD answer has no body
	}
	return res, nil
}

// own is an answer the adapter makes itself, with Options.Header.
func (l *Handler) own(status int, body string) events.APIGatewayV2HTTPResponse {
	w := &responseWriter{header: http.Header{}, status: status}
	for k, v := range l.o.Header {
		w.header[k] = v
	}
	w.header.Set("Content-Type", "application/json")
	w.header.Set("Cache-Control", "no-store")
	w.body.WriteString(body)
	return w.response()
}

// Request turns an API Gateway v2 event into an *http.Request, with the source address of the
// connection that reached API Gateway.
func Request(ctx context.Context, e events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	return request(ctx, e, false)
}

// request is Request; viaCloudFront says the event carried the origin secret, so that the
// viewer's address in CloudFront-Viewer-Address can be trusted.
func request(ctx context.Context, e events.APIGatewayV2HTTPRequest, viaCloudFront bool) (*http.Request, error) {
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(e.Body); err != nil {
			return nil, err
		}
	}
	u := &url.URL{Path: e.RawPath, RawQuery: e.RawQueryString}
	if p, err := url.PathUnescape(e.RawPath); err == nil {
		u.Path, u.RawPath = p, e.RawPath
	}
	r, err := http.NewRequestWithContext(ctx, e.RequestContext.HTTP.Method, "/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	// Set, not parsed from text: a path that starts with "//" would read as a host.
	r.URL = u
	for k, v := range e.Headers {
		// API Gateway joins repeated headers with commas; Cookie is sent apart and never used.
		// The origin secret goes no further than this adapter.
		if !strings.EqualFold(k, OriginSecretHeader) {
			r.Header.Set(k, v)
		}
	}
	r.Host = e.RequestContext.DomainName
	r.ContentLength = int64(len(body))
	// The source address serves only as a rate limiter's key, hashed in memory; it is never
	// logged or stored (api.Limiter).
	r.RemoteAddr = e.RequestContext.HTTP.SourceIP
	if viaCloudFront {
		r.RemoteAddr = viewerAddress(e)
	}
	return r, nil
}

// viewerAddress is the address CloudFront saw the request come from: behind CloudFront, API
// Gateway's source address is an edge server's. CloudFront-Viewer-Address is "ip:port" (an IPv6
// address has colons of its own). Only call it for a request that carried the origin secret.
func viewerAddress(e events.APIGatewayV2HTTPRequest) string {
	v, ok := header(e, "CloudFront-Viewer-Address")
	if !ok {
		return e.RequestContext.HTTP.SourceIP
	}
	if i := strings.LastIndexByte(v, ':'); i > 0 {
		return strings.TrimSuffix(strings.TrimPrefix(v[:i], "["), "]")
	}
	return v
}

// header is the value of the event's header name (any case).
func header(e events.APIGatewayV2HTTPRequest, name string) (string, bool) {
	for k, v := range e.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

type responseWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) response() events.APIGatewayV2HTTPResponse {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	res := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}}
	for k, v := range w.header {
		res.Headers[k] = strings.Join(v, ",")
	}
	if utf8.Valid(w.body.Bytes()) {
		res.Body = w.body.String()
	} else {
		res.Body = base64.StdEncoding.EncodeToString(w.body.Bytes())
		res.IsBase64Encoded = true
	}
	return res
}

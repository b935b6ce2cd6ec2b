// Package lambdahttp serves an http.Handler as a Lambda function behind an API Gateway HTTP API
// (payload format 2.0), so that a function runs exactly the handlers the local binary runs.
package lambdahttp

import (
	"bytes"
	"context"
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
}

// New returns a Lambda handler that serves h.
func New(h http.Handler) *Handler { return &Handler{h: h} }

// Invoke handles one API Gateway v2 event.
func (l *Handler) Invoke(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	r, err := Request(ctx, e)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest,
			Headers: map[string]string{"Content-Type": "application/json"},
			Body:    `{"error":{"code":"invalid","message":"the request could not be read"}}`}, nil
	}
	w := &responseWriter{header: http.Header{}}
	l.h.ServeHTTP(w, r)
	return w.response(), nil
}

// Request turns an API Gateway v2 event into an *http.Request.
func Request(ctx context.Context, e events.APIGatewayV2HTTPRequest) (*http.Request, error) {
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
	r, err := http.NewRequestWithContext(ctx, e.RequestContext.HTTP.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range e.Headers {
		// API Gateway joins repeated headers with commas; Cookie is sent apart and never used.
		r.Header.Set(k, v)
	}
	r.Host = e.RequestContext.DomainName
	r.ContentLength = int64(len(body))
	// The source address serves only as a rate limiter's key, hashed in memory; it is never
	// logged or stored (api.Limiter).
	r.RemoteAddr = clientAddress(e)
	return r, nil
}

// clientAddress is the address the request came from. Behind CloudFront, API Gateway sees an
// edge server; CloudFront passes the school's address in CloudFront-Viewer-Address ("ip:port").
// A caller who goes around CloudFront can set that header, but only to choose their own limiter
// bucket, which API Gateway's throttling still bounds.
func clientAddress(e events.APIGatewayV2HTTPRequest) string {
	for k, v := range e.Headers {
		if strings.EqualFold(k, "CloudFront-Viewer-Address") {
			if i := strings.LastIndexByte(v, ':'); i > 0 {
				return v[:i]
			}
			return v
		}
	}
	return e.RequestContext.HTTP.SourceIP
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

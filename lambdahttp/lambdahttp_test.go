package lambdahttp

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestRequestAndResponse(t *testing.T) {
	var got *http.Request
	var body string
	h := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Add("X-A", "1")
		w.Header().Add("X-A", "2")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte{0xff, 0xfe}) // not UTF-8: sent as base64
	}), Options{OriginSecret: "s3cret-from-cloudfront"})
	e := events.APIGatewayV2HTTPRequest{
		RawPath: "/api/v1/institutions/roc%2Dx/reports", RawQueryString: "status=open&cursor=a%2Bb",
		Headers: map[string]string{"content-type": "application/json", "cloudfront-viewer-address": "2001:db8::7:51234",
			"x-meldwijzer-origin": "s3cret-from-cloudfront"},
		Body: "eyJhIjoxfQ==", IsBase64Encoded: true,
	}
	e.RequestContext.HTTP.Method = "POST"
	e.RequestContext.HTTP.SourceIP = "198.51.100.1"
	res, err := h.Invoke(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.URL.Path != "/api/v1/institutions/roc-x/reports" || got.URL.Query().Get("cursor") != "a+b" {
		t.Errorf("request %s %s ? %s", got.Method, got.URL.Path, got.URL.RawQuery)
	}
	if body != `{"a":1}` || got.Header.Get("Content-Type") != "application/json" || got.Header.Get(OriginSecretHeader) != "" {
		t.Errorf("body %q, headers %v", body, got.Header)
	}
	if got.RemoteAddr != "2001:db8::7" {
		t.Errorf("behind CloudFront the limiter key is the viewer's address, got %q", got.RemoteAddr)
	}
	if res.StatusCode != 201 || res.Headers["X-A"] != "1,2" || !res.IsBase64Encoded || res.Body != "//4=" {
		t.Errorf("response %+v", res)
	}
	delete(e.Headers, "cloudfront-viewer-address")
	_, _ = h.Invoke(context.Background(), e)
	if got.RemoteAddr != "198.51.100.1" {
		t.Errorf("without CloudFront, the source IP: %q", got.RemoteAddr)
	}
}

// Finding 1: with a new CloudFront-Viewer-Address per request, a client that went around
// CloudFront got a new limiter bucket each time. Without the origin secret the request is
// refused; without a configured secret the header is never trusted.
func TestViewerAddressNeedsTheOriginSecret(t *testing.T) {
	var got *http.Request
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r })
	e := events.APIGatewayV2HTTPRequest{RawPath: "/api/v1/reports/self",
		Headers: map[string]string{"cloudfront-viewer-address": "203.0.113.99:443"}}
	e.RequestContext.HTTP.Method = "GET"
	e.RequestContext.HTTP.SourceIP = "198.51.100.1"

	for _, secret := range []string{"", "wrong", "s3cret-from-cloudfront-but-longer"} {
		got = nil
		if secret != "" {
			e.Headers[OriginSecretHeader] = secret
		}
		res, _ := New(next, Options{OriginSecret: "s3cret-from-cloudfront"}).Invoke(context.Background(), e)
		if res.StatusCode != http.StatusForbidden || got != nil {
			t.Errorf("origin secret %q: %d, handler called %v; want 403 before the handler", secret, res.StatusCode, got != nil)
		}
	}
	// No secret configured: the header is the client's to choose, so it is ignored.
	delete(e.Headers, OriginSecretHeader)
	_, _ = New(next, Options{}).Invoke(context.Background(), e)
	if got == nil || got.RemoteAddr != "198.51.100.1" {
		t.Errorf("without an origin secret the adapter trusted CloudFront-Viewer-Address: %v", got)
	}
}

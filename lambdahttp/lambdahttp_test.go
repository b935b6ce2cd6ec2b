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
	}))
	e := events.APIGatewayV2HTTPRequest{
		RawPath: "/api/v1/institutions/roc%2Dx/reports", RawQueryString: "status=open&cursor=a%2Bb",
		Headers: map[string]string{"content-type": "application/json", "cloudfront-viewer-address": "2001:db8::7:51234"},
		Body:    "eyJhIjoxfQ==", IsBase64Encoded: true,
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
	if body != `{"a":1}` || got.Header.Get("Content-Type") != "application/json" {
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

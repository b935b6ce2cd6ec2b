package ses_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"meldwijzer/notify"
	"meldwijzer/notify/ses"
)

// The SDK's real SendEmail request, answered by a local endpoint (there is no SES emulator): the
// request carries the sender, the one address and the fixed text, and an SES error becomes a
// reason the mailer can log without the address.
func TestSendEmail(t *testing.T) {
	var got map[string]any
	var path string
	reject := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &got)
		if reject {
			w.Header().Set("X-Amzn-Errortype", "MessageRejected")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"Email address is not verified: meldpunt@school.example"}`))
			return
		}
		_, _ = w.Write([]byte(`{"MessageId":"m-1"}`))
	}))
	defer srv.Close()
	client := sesv2.New(sesv2.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	s := &ses.Sender{API: client, From: "meldwijzer@school.example"}
	mail, _ := notify.Message("message")
	mail.To = "meldpunt@school.example"
	if err := s.Send(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	if path != "/v2/email/outbound-emails" {
		t.Errorf("path %s", path)
	}
	want := map[string]any{
		"FromEmailAddress": "meldwijzer@school.example",
		"Destination":      map[string]any{"ToAddresses": []any{"meldpunt@school.example"}},
		"Content": map[string]any{"Simple": map[string]any{
			"Subject": map[string]any{"Charset": "UTF-8", "Data": mail.Subject},
			"Body":    map[string]any{"Text": map[string]any{"Charset": "UTF-8", "Data": mail.Body}},
		}},
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("request\n%s\nwant\n%s", gb, wb)
	}

	reject = true
	err := s.Send(context.Background(), mail)
	if err == nil {
		t.Fatal("a rejected mail is not an error")
	}
	if r := notify.Reason(err); r != "MessageRejected" {
		t.Errorf("reason %q, want MessageRejected (and never the address)", r)
	}
}

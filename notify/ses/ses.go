// Package ses sends Meldwijzer's notices with Amazon SES (API v2 SendEmail), from the sender
// address whose identity the stack verifies and the function's role may send from (and nothing
// else: the grant is ses:SendEmail on that identity, for that From address).
package ses

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"meldwijzer/notify"
)

// API is the part of the SES v2 client that the Sender calls (*sesv2.Client).
type API interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// Sender sends each mail with one SendEmail call.
type Sender struct {
	API  API
	From string
}

// New returns a Sender on the SES v2 client of cfg.
func New(cfg aws.Config, from string) *Sender {
	return &Sender{API: sesv2.NewFromConfig(cfg), From: from}
}

// Send delivers m as a plain-text UTF-8 mail.
func (s *Sender) Send(ctx context.Context, m notify.Mail) error {
	utf8 := aws.String("UTF-8")
	_, err := s.API.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: utf8},
			Body:    &types.Body{Text: &types.Content{Data: aws.String(m.Body), Charset: utf8}},
		}},
	})
	return err
}

package dynamo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"meldwijzer"
)

// unavailableMessage is what a person sees when DynamoDB cannot be reached: nothing internal.
const unavailableMessage = "De opslag van meldingen is even niet bereikbaar. Probeer het over een paar minuten opnieuw. / " +
	"The report storage cannot be reached right now. Please try again in a few minutes."

// unavailable returns an EUNAVAILABLE error that also wraps the cause, so that the log (which
// prints err.Error()) has the details while the client only sees the message.
func unavailable(op string, cause error) error {
	return fmt.Errorf("%w (dynamo %s: %w)", meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, unavailableMessage), op, cause)
}

// mapError turns an SDK error into the store's errors: EUNAVAILABLE when DynamoDB cannot be
// reached, is throttling or failing (after the SDK's retries), else an internal error.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *meldwijzer.Error
	if errors.As(err, &me) {
		return err
	}
	if isUnavailable(err) {
		return unavailable(op, err)
	}
	return fmt.Errorf("dynamo %s: %w", op, err)
}

// throttleCodes are the API error codes of an overloaded or failing service.
var throttleCodes = map[string]bool{
	"ThrottlingException":                    true,
	"Throttling":                             true,
	"ProvisionedThroughputExceededException": true,
	"RequestLimitExceeded":                   true,
	"InternalServerError":                    true,
	"ServiceUnavailable":                     true,
	"TransactionInProgressException":         true,
	"ReplicatedWriteConflictException":       true,
}

func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var quota *retry.MaxAttemptsError
	if errors.As(err, &quota) {
		// The retryer gave up; what it gave up on decides.
		if inner := quota.Err; inner != nil && isUnavailable(inner) {
			return true
		}
	}
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() >= 500 {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) && throttleCodes[api.ErrorCode()] {
		return true
	}
	return false
}

// Cancellation reason codes of TransactWriteItems.
const (
	reasonNone       = "None"
	reasonCondition  = "ConditionalCheckFailed"
	reasonConflict   = "TransactionConflict"
	reasonThrottling = "ThrottlingError"
	reasonThroughput = "ProvisionedThroughputExceeded"
)

// cancelReasons returns the per-item reason codes when err is a TransactionCanceledException.
func cancelReasons(err error) ([]string, bool) {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return nil, false
	}
	codes := make([]string, len(tc.CancellationReasons))
	for i, r := range tc.CancellationReasons {
		codes[i] = reasonNone
		if r.Code != nil {
			codes[i] = *r.Code
		}
	}
	return codes, true
}

func hasReason(codes []string, code string) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

package dynamoread

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// apiError is DynamoDB's answer to a request it refused or failed. Only its type is kept: the
// message may name the table, the account or the role, which must reach no log and no reply.
type apiError struct {
	status int
	code   string // the exception's name: ThrottlingException, ResourceNotFoundException, ...
}

func (e *apiError) Error() string { return fmt.Sprintf("DynamoDB answered %d %s", e.status, e.code) }

// retryable: DynamoDB is throttling or failing (the codes the SDK's retryer retries for these
// operations), so the same request may succeed a moment later.
func (e *apiError) retryable() bool {
	switch e.code {
	case "ThrottlingException", "Throttling", "ProvisionedThroughputExceededException",
		"RequestLimitExceeded", "InternalServerError", "ServiceUnavailable":
		return true
	}
	return e.status >= 500
}

// call sends one operation (up to maxAttempts times, with jittered backoff, while DynamoDB
// throttles or fails or the network does) and decodes its answer into out.
func (r *Reader) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("dynamoread %s: %w", op, err)
	}
	var last error
	for attempt := 1; ; attempt++ {
		raw, transient, err := r.send(ctx, op, body)
		if err == nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("dynamoread %s: the answer is not DynamoDB's JSON: %w", op, err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return contextError(op, ctx.Err())
		}
		if !transient {
			return fmt.Errorf("dynamoread %s: %w", op, err)
		}
		last = err
		if attempt >= maxAttempts {
			return unavailable(op, fmt.Errorf("%d attempts: %w", attempt, last))
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return contextError(op, err)
		}
	}
}

// contextError: the caller gave up. A deadline is EUNAVAILABLE, as store/dynamo answers it.
func contextError(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailable(op, err)
	}
	return fmt.Errorf("dynamoread %s: %w", op, err)
}

// backoff is the wait before the attempt after attempt: "full jitter", a random time up to
// backoffBase·2^(attempt-1), at most backoffMax, so that many functions throttled at once do
// not all come back at the same moment.
func backoff(attempt int) time.Duration {
	ceiling := min(backoffBase<<(attempt-1), backoffMax)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send signs and sends one attempt; it returns the body of a 200, else an *apiError or the
// transport's error, and whether trying again may help (the network, an attempt's timeout, a
// throttled or failing DynamoDB).
func (r *Reader) send(ctx context.Context, op string, body []byte) (_ []byte, transient bool, _ error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	creds, err := r.creds.Retrieve(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := r.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "dynamodb", r.region, time.Now().UTC()); err != nil {
		return nil, false, fmt.Errorf("signing: %w", err)
	}
	res, err := r.http.Do(req)
	if err != nil {
		return nil, true, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return nil, true, err
	}
	if len(raw) > maxResponse {
		return nil, false, errors.New("the answer is too large")
	}
	if res.StatusCode == http.StatusOK {
		return raw, false, nil
	}
	api := &apiError{status: res.StatusCode, code: errorCode(res, raw)}
	return nil, api.retryable(), api
}

// errorCode is the exception's name from the answer's __type ("com.amazonaws.dynamodb.
// v20120810#ThrottlingException") or its X-Amzn-ErrorType header; "unknown" when neither says.
func errorCode(res *http.Response, raw []byte) string {
	var e struct {
		Type string `json:"__type"`
	}
	code := res.Header.Get("X-Amzn-ErrorType")
	if json.Unmarshal(raw, &e) == nil && e.Type != "" {
		code = e.Type
	}
	code, _, _ = strings.Cut(code, ":") // the header may carry ":http://internal.amazon.com/..."
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" || len(code) > 100 || strings.ContainsAny(code, " \n\"") {
		return "unknown"
	}
	return code
}

package main

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/jsii-runtime-go"

	"meldwijzer/config"
	"meldwijzer/notify"
	"meldwijzer/store/dynamo"
)

// FunctionRemind is the daily deadline reminder: not behind API Gateway, so not in the route
// table; an EventBridge schedule invokes it.
const FunctionRemind = "remind"

// remindTimeoutSec covers one deadline query and at most one SES call (notify.LambdaTimeout at
// the most) for each of a hundred institutions; a run is billed for what it uses.
const remindTimeoutSec = 300

// remindTable: the reminder reads the deadline counts (Query on INST#<id>, sort key DUE#) and
// nothing else of the reports, and the institution records for their meldpunt addresses.
var remindTable = []tableGrant{
	{"Deadlines", []string{"dynamodb:Query"}, []string{dynamo.PrefixInstitution}, false},
	{"InstitutionsRead", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{dynamo.PartitionInstitutions}, false},
}

// newMail makes what the meldpunt's notices need when the stack has a sender (props.MailFrom):
// the SES identity of the sender (the domain of MailIdentity, or the address itself), the
// permission to send from that address only, for the meldpunt function and the reminder, and
// the reminder function with its daily schedule.
func newMail(stack awscdk.Stack, props *MeldwijzerStackProps, meldpunt awslambda.Function, zip string, d *data) awslambda.Function {
	from := props.MailFrom
	identity := awsses.Identity_Email(jsii.String(from))
	if props.MailIdentity != "" {
		identity = awsses.Identity_Domain(jsii.String(props.MailIdentity))
	}
	id := awsses.NewEmailIdentity(stack, jsii.String("MailIdentity"), &awsses.EmailIdentityProps{Identity: identity})

	remind := newFunction(stack, FunctionRemind, zip, props.ReservedConcurrency)
	cfn := remind.Node().DefaultChild().(awslambda.CfnFunction)
	cfn.SetDescription(jsii.String("Meldwijzer remind: the daily deadline reminders to each meldpunt (EventBridge schedule)"))
	cfn.SetTimeout(jsii.Number(remindTimeoutSec))
	access{env: map[string]*string{config.EnvTable: d.table.TableName(), config.EnvMailFrom: jsii.String(from)}, table: remindTable}.
		grant(stack, remind, d)

	meldpunt.AddEnvironment(jsii.String(config.EnvMailFrom), jsii.String(from), nil)
	for _, fn := range []awslambda.Function{meldpunt, remind} {
		// Only this identity, only this From address: the role cannot send as anyone else.
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("SendNoticeMail"),
			Actions:    jsii.Strings("ses:SendEmail"),
			Resources:  &[]*string{id.EmailIdentityArn()},
			Conditions: &map[string]any{"StringEquals": map[string]any{"ses:FromAddress": from}},
		}))
	}

	at := notify.RemindAt
	awsevents.NewRule(stack, jsii.String("RemindSchedule"), &awsevents.RuleProps{
		Description: jsii.String("Meldwijzer: the daily deadline reminders"),
		Schedule: awsevents.Schedule_Cron(&awsevents.CronOptions{
			Minute: jsii.String("0"), Hour: jsii.String(strconv.Itoa(int(at.Hours()))),
		}),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(remind, &awseventstargets.LambdaFunctionProps{
			RetryAttempts: jsii.Number(2),
		})},
	})
	return remind
}

"""IAM facts the template tests share."""

# Actions with no resource-level permissions in IAM: the only ones allowed Resource "*".
ACTIONS_WITHOUT_RESOURCES = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "dynamodb:ListStreams",
    # The account's SES suppression list (erasure takes the address off it) is no resource.
    "ses:GetSuppressedDestination",
    "ses:DeleteSuppressedDestination",
}

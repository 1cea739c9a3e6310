"""What every API endpoint shares: input limits, errors, throttles and request logs."""

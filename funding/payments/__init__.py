"""Contract payments (工程款支付): contracts, applications (B.0.11), certificates (A.0.8), payment, retention."""

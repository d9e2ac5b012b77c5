"""Signed webhooks: other systems told when something happens in VTM.

    registry.py   register / list / delete endpoints, publish an event (a row per endpoint)
    signing.py    Standard Webhooks signatures (webhook-id, -timestamp, -signature)
    guard.py      which URLs the server may call (no loopback/private unless allowed)
    sender.py     one POST to the address the guard checked; time limit; no redirects
    deliverer.py  the thread that sends due deliveries and schedules retries
    model.py      webhooks, deliveries, event types
"""

"""The email pipeline, one job's email at a time (no AWS here: the table, SES and the queue come in as ports).

- ``policy``: whether an email may still go out, decided at send time from the lead as it is then;
- ``envelopes``: what each kind of email says and to whom;
- ``mime``: the raw message SES sends, with headers free of visitor text;
- ``rules``: how the sender treats SES: errors by class, waits, and the send rate;
- ``deliverer``: claims a job, applies the policy, builds, renders, sends and marks it, exactly once.

Its values and errors live in ``models/email.py`` and ``models/email_errors.py``, where the data layer and
the SES adapter reach them without importing logic.
"""

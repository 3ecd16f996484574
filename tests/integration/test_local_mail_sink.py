"""`make run` keeps the app's e-mails in a Maildir under .local/mail, through real SMTP."""

from email.message import EmailMessage

from shared.adapters.mail import SmtpMailer
from tools import localstack


async def test_mail_sent_by_the_app_lands_in_the_local_maildir(tmp_path, monkeypatch):
    # The sink points SMTP_HOST/PORT at itself; these restore the environment afterwards.
    monkeypatch.setenv("SMTP_HOST", "")
    monkeypatch.setenv("SMTP_PORT", "")
    controller = localstack.start_smtp_sink(tmp_path / "mail", localstack.free_port())
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "bookme@bank.example", "a@bank.example", "Invitation"
        message.set_content("Hello")
        await SmtpMailer("127.0.0.1", controller.port).send(message)
    finally:
        controller.stop()
    delivered = list((tmp_path / "mail" / "new").iterdir())
    assert len(delivered) == 1
    assert "Subject: Invitation" in delivered[0].read_text()

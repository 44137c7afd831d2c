"""Builders of decode/fetch test inputs, made from the real sample 001 at test time.

The document is 关于印发国家卫生应急队伍管理办法的通知 (001 lines 683-885): its metadata block,
the circular, the 办法 with 第三十二条 (line 876, the repeal of the 2010 试行 version) and the
list of attachments. Each builder writes one file and returns its path.
"""

from __future__ import annotations

import html
import io
import zipfile
import zlib
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_001 = next(SAMPLES.glob("001_*.txt"))
FIRST_LINE, LAST_LINE = 683, 885  # 1-based, inclusive
ARTICLE_32 = (
    "第三十二条 本办法自印发之日起施行,《国家卫生应急队伍管理办法(试行)》(卫办应急发〔2010〕183号)同时废止。"
)
PDF_HEADER = "全国医药政策月度汇编 2024年第03期"
PDF_FOOTER = "医药先锋系列之 第 {page} 页"


def sample_text() -> str:
    """Lines 683-885 of sample 001 joined with \\n (no final newline)."""
    lines = SAMPLE_001.read_text(encoding="utf-8").split("\n")[FIRST_LINE - 1 : LAST_LINE]
    assert lines[876 - FIRST_LINE] == ARTICLE_32, "sample 001 moved: update FIRST_LINE/LAST_LINE"
    return "\n".join(lines)


def body_paragraphs() -> list[str]:
    """The circular and the 办法 (from its title to the attachment list), non-blank lines only."""
    lines = sample_text().split("\n")
    start = lines.index("关于印发国家卫生应急队伍管理办法的通知")
    end = next(i for i, line in enumerate(lines) if "国家卫生应急队员誓言" in line)
    return [line.strip() for line in lines[start : end + 1] if line.strip()]


def write_encoded(dest: Path, name: str, text: str, encoding: str, *, bom: bytes = b"") -> Path:
    path = dest / name
    path.write_bytes(bom + text.encode(encoding))
    return path


# --- PDF -----------------------------------------------------------------------------------


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a paragraph into lines of at most ``width`` points, character by character (CJK)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def build_pdf(path: Path, paragraphs: list[str], *, encrypt: str | None = None) -> Path:
    """A4 pages of wrapped paragraphs under a running header, with a footer and page number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font, size, leading, margin = _register_font(), 11.0, 16.0, 72.0
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, pageCompression=1)
    page, y = 1, height - margin

    def decorate(number: int) -> None:
        pdf.setFont(font, 9)
        pdf.drawString(margin, height - 40, PDF_HEADER)
        pdf.drawCentredString(width / 2, 30, PDF_FOOTER.format(page=number))
        pdf.setFont(font, size)

    decorate(page)
    for paragraph in paragraphs:
        for line in _wrap(paragraph, font, size, width - 2 * margin):
            if y < margin:
                pdf.showPage()
                page += 1
                decorate(page)
                y = height - margin
            pdf.drawString(margin, y, line)
            y -= leading
        y -= leading / 2
    pdf.showPage()
    pdf.save()
    return path


def build_image_only_pdf(path: Path) -> Path:
    """A 'scanned' page: shapes and no text at all."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for i in range(20):
        pdf.rect(50 + i * 10, 50 + i * 20, 200, 12, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def build_truncated_pdf(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def build_corrupt_pdf(path: Path) -> Path:
    """A PDF header and trailer around bytes that are no PDF objects at all."""
    junk = bytes((i * 37 + 11) % 256 for i in range(4000))
    path.write_bytes(b"%PDF-1.4\n" + junk + b"\nstartxref\n999999\n%%EOF\n")
    return path


# --- HTML ----------------------------------------------------------------------------------

GOV_METADATA = (  # the gov.cn 信息公开 table: label cells with letter-spacing, as the site writes them
    ("索 引 号：", "000013610/2024-00123", "主题分类：", "卫生、体育\\卫生"),
    ("发文机关：", "国家卫生健康委、国家中医药局、国家疾控局", "成文日期：", "2024年03月19日"),
    ("标\u3000\u3000题：", "关于印发国家卫生应急队伍管理办法的通知", None, None),
    ("发文字号：", "国卫医急发〔2024〕11号", "发布日期：", "2024年03月22日"),
)


def gov_page(paragraphs: list[str], *, charset: str = "utf-8", extra_body: str = "") -> str:
    """A page shaped like a gov.cn policy page: nav, script, 信息公开 table, #UCAP-CONTENT."""
    rows = []
    for label1, value1, label2, value2 in GOV_METADATA:
        second = f"<td><b>{label2}</b></td><td>{html.escape(value2)}</td>" if label2 else "<td></td><td></td>"
        rows.append(f"<tr><td><b>{label1}</b></td><td>{html.escape(value1)}</td>{second}</tr>")
    body = "\n".join(f"<p style='text-indent:2em'>&nbsp;&nbsp;{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于印发国家卫生应急队伍管理办法的通知_国务院部门文件_中国政府网</title>
<meta name="ArticleTitle" content="关于印发国家卫生应急队伍管理办法的通知">
<style>.pages_content p {{ line-height: 2; }}</style>
<script>var banner = "第三十二条 脚本里的假条文"; document.write(banner);</script>
</head><body>
<header><div class="logo">中国政府网</div></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li><li>第一条 导航</li></ul></nav>
<div class="w1100">
<table class="bd1" cellpadding="0" cellspacing="1">{"".join(rows)}</table>
<h1 id="ti">关于印发国家卫生应急队伍管理办法的通知</h1>
<div class="pages_content" id="UCAP-CONTENT">
{body}
{extra_body}
</div>
<div class="share">分享到：微信 微博</div>
</div>
<footer><p>主办单位：国务院办公厅 运行维护单位：中国政府网运行中心</p></footer>
<script type="text/javascript">console.log("统计代码 第五条");</script>
</body></html>"""


# --- DOCX ----------------------------------------------------------------------------------


def build_docx(path: Path, paragraphs: list[str]) -> Path:
    """Paragraphs, then the attachment table 国家卫生应急队伍人员构成要求, then closing lines."""
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    document.add_paragraph("附件1 国家卫生应急队伍人员构成要求")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        (("类别", "人数", "说明"), ("应急管理", "30人以上", "设队长1名"), ("后备人员", "30人以上", "")),
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    merged = table.add_row().cells
    merged[0].merge(merged[2]).text = "合计不少于60人"
    document.add_paragraph("（信息公开形式：主动公开）")
    document.save(str(path))
    return path


def build_zip(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())
    return path


def build_raw_pdf(path: Path, content: bytes, *, declared_pages: int = 1) -> Path:
    """A one-page PDF written by hand: its content stream Flate-compressed, /Count as given."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % declared_pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# --- TLS -----------------------------------------------------------------------------------


def build_tls_files(dest: Path, hostname: str = "localhost") -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for ``hostname`` signed by it: (ca, cert, key)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "regtrack test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = dest / "ca.pem", dest / "server.pem", dest / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths

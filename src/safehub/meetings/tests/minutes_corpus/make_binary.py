"""Writes the Word and PDF minutes of the labelled set (authored for safehub; synthetic names). Run from the repository root:

    uv run python src/safehub/meetings/tests/minutes_corpus/make_binary.py

The outputs are committed, so the tests and the benchmark read the same bytes every time.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def docx_file(name: str, blocks: list) -> None:
    import docx

    document = docx.Document()
    for kind, value in blocks:
        if kind == "h":
            document.add_heading(value, level=2)
        elif kind == "title":
            document.add_heading(value, level=1)
        elif kind == "p":
            document.add_paragraph(value)
        elif kind == "table":
            table = document.add_table(rows=0, cols=len(value[0]))
            table.style = "Table Grid"
            for row in value:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
    document.core_properties.author = "safehub test corpus"
    document.save(HERE / name)


def pdf_file(name: str, html: str) -> None:
    from weasyprint import HTML

    css = ("<style>@page{size:A4;margin:18mm} body{font-family:'DejaVu Sans',sans-serif;font-size:10pt;line-height:1.35}"
           "h1{font-size:15pt} h2{font-size:11pt;margin:14pt 0 4pt} p{margin:0 0 7pt} table{border-collapse:collapse;width:100%;"
           "margin:4pt 0 10pt} td,th{border:1px solid #333;padding:3pt;text-align:left;vertical-align:top}</style>")
    HTML(string=f"<html><head>{css}</head><body>{html}</body></html>").write_pdf(HERE / name)


def main() -> None:
    docx_file("103_icb_safeguarding_committee.docx", [
        ("title", "NHS Northshire Integrated Care Board"),
        ("p", "Safeguarding Assurance Committee"),
        ("p", "Minutes of the meeting held on 12 September 2024, 13:30–15:30, Boardroom, Riverside House"),
        ("p", "Present:"),
        ("table", [["Name", "Role"], ["Margaret Olsen", "Non-Executive Director (Chair)"],
                   ["Dr Kwame Mensah", "Designated Doctor for Safeguarding Children"],
                   ["Claire Hutton", "Designated Nurse for Safeguarding Children"],
                   ["Ian Forbes", "Named Nurse, Northshire Community Trust"]]),
        ("p", "Apologies:"),
        ("table", [["Name", "Role"], ["Patricia Dean", "Chief Nursing Officer"]]),
        ("h", "1. Welcome and apologies"),
        ("p", "The Chair welcomed members and noted the apologies."),
        ("h", "2. Declarations of interest"),
        ("p", "Dr Mensah declared that he is a trustee of a local children's charity. No action was required."),
        ("h", "3. Minutes of the previous meeting and action log"),
        ("p", "Decision: The minutes of 11 July 2024 were approved."),
        ("h", "4. Safeguarding children training compliance"),
        ("p", "Level 3 training compliance in primary care is 78 per cent against a target of 90 per cent."),
        ("p", "Decision: The committee accepted limited assurance and asked for a recovery plan."),
        ("h", "5. Child death overview panel annual report"),
        ("p", "The report was received. Modifiable factors included unsafe sleeping in four deaths."),
        ("h", "Action log"),
        ("table", [["Ref", "Item", "Action", "Owner", "Due date"],
                   ["SAC-31", "4", "Produce a training recovery plan for primary care", "CH", "10 October 2024"],
                   ["SAC-32", "5", "Promote safer sleep messages through health visiting", "IF", "30 November 2024"]]),
    ])
    docx_file("107_sscb_executive_feb.docx", [
        ("title", "Safeguarding Children Executive Board"),
        ("p", "Minutes of the meeting held on 18 February 2015"),
        ("p", "Present"),
        ("table", [["Helen Ward (Chair)", "HW", "Independent Chair"], ["Tony Briggs", "TB", "Director of Children's Services"],
                   ["Ruth Adeyemi", "RA", "Designated Nurse"], ["DCI Paul Kirby", "PK", "Public Protection, Police"]]),
        ("p", "Apologies"),
        ("table", [["Simon Drake", "", "Head of Probation"]]),
        ("p", "FEB15-01 Minutes and matters arising"),
        ("p", "The minutes of the December meeting were agreed."),
        ("p", "FEB15-02 Missing children protocol"),
        ("p", "TB presented the revised protocol for children missing from home and care, "
              "including return interviews within 72 hours."),
        ("p", "RESOLVED: The revised protocol was approved for publication."),
        ("p", "FEB15-03 Child sexual exploitation profile"),
        ("p", "PK described the first draft of the problem profile."),
        ("table", [["Reference", "Details", "Action"],
                   ["FEB15-03a", "Share the draft profile with health and schools", "PK & RA"],
                   ["FEB15-03b", "Reconvene the MASE panel under the pan-London protocol", "TB to lead"]]),
    ])
    pdf_file("104_partnership_executive.pdf", """
<h1>Westbury Safeguarding Children Partnership</h1>
<p>Minutes of the Executive meeting held on 4 March 2025</p>
<p>Venue: Meeting Room 1, Westbury House</p>
<h2>Present:</h2>
<table><tr><th>Name</th><th>Organisation</th></tr>
<tr><td>Gillian Parkes (Chair)</td><td>Westbury Council</td></tr>
<tr><td>Det Supt Owen Lewis</td><td>Westshire Police</td></tr>
<tr><td>Farah Iqbal</td><td>Westshire Integrated Care Board</td></tr></table>
<h2>Apologies:</h2>
<p>Brian Holt, Education Safeguarding Lead</p>
<h2>1. Minutes of the last meeting</h2>
<p>RESOLVED that the minutes of 7 January 2025 be approved as a correct record.</p>
<h2>2. Section 11 audit results</h2>
<p>Twenty-two agencies returned the audit. Three agencies reported gaps in safer recruitment.</p>
<p>RESOLVED that the three agencies present improvement plans to the next meeting.</p>
<h2>3. Early help strategy</h2>
<p>The draft strategy was discussed. Partners supported a single early help assessment.</p>
<table><tr><th>Ref</th><th>Action</th><th>Owner</th><th>By when</th></tr>
<tr><td>E1</td><td>Publish the early help strategy consultation</td><td>GP</td><td>31/03/2025</td></tr>
<tr><td>E2</td><td>Map early help assessments completed by schools</td><td>FI</td><td>30/04/2025</td></tr></table>
<h2>4. Any other business</h2>
<p>None.</p>
""")
    pdf_file("109_mase_panel.pdf", """
<h1>Multi-Agency Sexual Exploitation Panel</h1>
<p>Minutes: 20 May 2025</p>
<p>Location: Online</p>
<p>Attendees: Lisa Marr (Chair), Dev Anand (Police), Kate Hollins (Barnardo's), Sunil Rao (Youth Justice)</p>
<p>Apologies: Janet Cole (School Nursing)</p>
<h2>1. Introductions and confidentiality</h2>
<p>Members were reminded that the panel's business is confidential.</p>
<h2>2. Young person B (exempt information, paragraphs 1 and 2 of Schedule 12A)</h2>
<p>B has disclosed being taken to parties by adults. The police have identified two suspects.</p>
<p>Decision: B to be referred to the National Referral Mechanism.</p>
<p>Action: DA to complete the NRM referral by 23 May 2025.</p>
<h2>3. Person of concern: adult male C (exempt information, paragraph 7 of Schedule 12A)</h2>
<p>Disruption options were discussed, including a child abduction warning notice.</p>
<p>Action: DA to serve a child abduction warning notice – due 30 May 2025.</p>
<h2>4. Places: Station Road car park</h2>
<p>Action: SR to request additional CCTV coverage from the council by 13 June 2025.</p>
""")
    docx_file("112_learning_improvement.docx", [
        ("title", "Learning and Improvement Subgroup"),
        ("p", "Minutes – 9 January 2025"),
        ("p", "Present: Rebecca Hall (Chair), Noel Fraser, Aisling Byrne, Tom Gale"),
        ("p", "Apologies: Dr Jas Kaur"),
        ("h", "1. Rapid reviews since the last meeting"),
        ("p", "Two rapid reviews were completed within 15 working days. Neither met the criteria for a local review."),
        ("p", "Agreed: Learning from both reviews to go into a seven-minute briefing."),
        ("p", "Action: NF/AB – draft the seven-minute briefing – 31/01/2025"),
        ("h", "2. Training evaluation"),
        ("p", "Feedback on the neglect toolkit training was positive; attendance from schools was low."),
        ("p", "Action: TG to contact designated safeguarding leads about the next dates."),
        ("h", "3. Any other business"),
        ("p", "The Chair thanked Tom Gale, who is leaving the partnership."),
    ])


if __name__ == "__main__":
    main()

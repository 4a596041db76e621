"""A CSV whose header no layout knows is read with its columns told by their content."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.errors import UnknownLayoutError
from chargescope.ingest import ingest_sources
from chargescope.readers import detect
from chargescope.readers.base import Source
from chargescope.readers.guess import guess_columns

GERMAN = (
    "Zeitpunkt;Ladepunkt;Richtung;Nachricht\n"
    '03.03.2025 08:00:00;Garage 1;Eingehend;[2,"1","Heartbeat",{}]\n'
    '03.03.2025 08:00:01;Garage 1;Ausgehend;[3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]\n'
    '03.03.2025 08:00:05;Garage 2;Eingehend;[2,"7","StatusNotification",'
    '{"connectorId":1,"errorCode":"NoError","status":"Available"}]\n'
)

KIBANA = (
    "@timestamp,host,message\n"
    '2025-03-03T08:00:00.000Z,csms-1,"[2,""1"",""Heartbeat"",{}]"\n'
    '2025-03-03T08:00:00.100Z,csms-1,"[3,""1"",{""currentTime"":""x""}]"\n'
)


def test_an_export_under_its_own_header_is_read_by_its_columns_content() -> None:
    det = detect(Source("export.csv", GERMAN.encode()))
    assert det.reader.name == "custom"
    assert "time=Zeitpunkt,frame=Nachricht,direction=Richtung,charger=Ladepunkt" in det.match.reason
    got = ingest_sources([Source("export.csv", GERMAN.encode())])
    f = got.frames
    assert f["charger_id"].to_list() == ["Garage 1", "Garage 1", "Garage 2"]
    assert f["direction"].to_list() == ["to_csms", "to_charger", "to_csms"]
    assert f["peer_id"].to_list()[:2] == [1, 0]
    assert got.files[0].layout == "custom"
    assert got.files[0].notes[0].startswith("columns told by their content: time=Zeitpunkt")


def test_a_column_not_named_like_a_charger_is_not_taken_for_one() -> None:
    got = ingest_sources([Source("kibana.csv", KIBANA.encode())])
    assert got.frames["charger_id"].to_list() == ["kibana", "kibana"]  # from the file name
    assert got.files[0].notes[0] == "columns told by their content: time=@timestamp,frame=message"


@pytest.mark.parametrize(
    "text",
    [
        # two columns of frames: which is the frame?
        't,a,b\n2025-03-03T08:00:00Z,"[2,""1"",""Heartbeat"",{}]","[2,""2"",""Heartbeat"",{}]"\n',
        # no time column
        'who,frame\nCP-1,"[2,""1"",""Heartbeat"",{}]"\nCP-1,"[2,""2"",""Heartbeat"",{}]"\n',
        # no frames
        "time,charger,value\n2025-03-03T08:00:00Z,CP-1,12\n2025-03-03T08:00:01Z,CP-1,13\n",
    ],
    ids=["two frame columns", "no time", "no frames"],
)
def test_a_table_whose_columns_are_not_told_apart_stays_unknown(text: str) -> None:
    with pytest.raises(UnknownLayoutError, match="--columns"):
        ingest_sources([Source("odd.csv", text.encode())])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(',;\t"[]{}2 \nabcT:0-.')), max_size=400))
def test_any_text_gives_a_guess_or_none(text: str) -> None:
    guess_columns(text, truncated=False)
    guess_columns(text, truncated=True)


def test_a_frame_printed_over_several_lines_in_its_cell_is_still_a_frame() -> None:
    text = (
        "When,Frame\n"
        '2025-03-03T08:00:00Z,"[2,\n ""1"",\n ""Heartbeat"",\n {}\n]"\n'
        '2025-03-03T08:00:01Z,"[3,\n ""1"",\n {""currentTime"": ""x""}\n]"\n'
    )
    guess = guess_columns(text, truncated=False)
    assert guess is not None and guess.columns == {"time": "When", "frame": "Frame"}

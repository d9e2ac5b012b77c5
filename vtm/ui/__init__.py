"""Small Streamlit helpers shared by the pages (the only vtm package importing streamlit)."""

"""Streamlit helpers shared by the pages: the guard, the sidebar, error display."""



@fixtures.mark_usefixtures('test_env')
@fixtures.uses_fixtures
class case_dissect_vsock(subprocesstest.SubprocessTestCase):
    # vsock-credit.pcap: six STREAM connections with 4096-byte receive
    # buffers: a stall, data beyond credit, fwd_cnt going backwards and
    # beyond the data sent, a buffer shrunk below the bytes in flight,
    # a connection seen from the middle.
    # vsock-seqpacket.pcap: a 70000-byte SEQPACKET message in two pieces
    # (EOM on the second), then a 3-byte one.

    def test_vsock_seqpacket_flags(self, cmd_tshark, capture_file):
        '''SEQPACKET and its EOM flag by name'''
        self.assertRun((cmd_tshark,
                '-r', capture_file('vsock-seqpacket.pcap'),
                '-Y', 'vsock.virtio.type == "Seqpacket" && vsock.virtio.flags.eom == 1',
                '-Tfields', '-e', 'frame.number',
            ))
        self.assertEqual(self.countOutput(r'^[0-9]+$'), 2)

    def test_vsock_seqpacket_message(self, cmd_tshark, capture_file):
        '''A message of two pieces is reassembled in the frame of its EOM'''
        self.assertRun((cmd_tshark,
                '-r', capture_file('vsock-seqpacket.pcap'),
                '-Tfields', '-e', 'vsock.reassembled.length',
            ))
        self.assertEqual(self.countOutput(r'^70000$'), 1)

    def test_vsock_credit_analysis(self, cmd_tshark, capture_file):
        '''The credit analysis, note by note'''
        self.assertRun((cmd_tshark,
                '-r', capture_file('vsock-credit.pcap'),
                '-Tfields', '-e', '_ws.expert.message',
                '-E', 'occurrence=a', '-E', 'aggregator=\n',
            ))
        self.assertEqual(self.countOutput(r'^Zero window: '), 4)
        self.assertEqual(self.countOutput(r'^Window reopened: '), 5)
        self.assertEqual(self.countOutput(r'^Stall: 3\.49160 has had no credit for 1\.000000 s since frame 3 '), 1)
        self.assertEqual(self.countOutput(r'^Data beyond credit: '), 2)
        self.assertEqual(self.countOutput(r'^fwd_cnt going backwards: 50 after 100$'), 1)
        self.assertEqual(self.countOutput(r'^fwd_cnt beyond the data sent: '), 1)
        self.assertEqual(self.countOutput(r'^buf_alloc 2048 < 3000 bytes in flight$'), 1)

    def test_vsock_conversations(self, cmd_tshark, capture_file):
        '''The conversation table: one row per connection'''
        self.assertRun((cmd_tshark,
                '-r', capture_file('vsock-credit.pcap'),
                '-q', '-z', 'conv,vsock',
            ))
        self.assertEqual(self.countOutput(r'<->'), 6)
        self.assertTrue(self.grepOutput(r'^3 +<-> 2 +4 0 bytes +5 8192 bytes +9 8192 bytes'))

    def test_vsock_follow(self, cmd_tshark, capture_file):
        '''Follow vsock Stream: the data of a connection, packet by packet'''
        self.assertRun((cmd_tshark,
                '-r', capture_file('vsock-credit.pcap'),
                '-q', '-z', 'follow,vsock,ascii,0',
            ))
        self.assertTrue(self.grepOutput(r'^Node 0: 3:49160$'))
        self.assertEqual(self.countOutput(r'^(4096|1000|3096)$'), 3)
